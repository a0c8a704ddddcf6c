@seed000 @web
Feature: The web ATM: username, password and fingerprint (seed000)
  Signup takes KYC details, a username, a password and a fingerprint; login needs all three; deposit, withdraw (only
  with sufficient balance), balance with history; the password is stored only as a hash.

  Background:
    Given an ATM running the "seed000" profile
    When Zanele signs up on the web ATM as "ZANELE" with password "ZAN123" and finger 2 and phone "+260971000020"
    Then the web ATM answers 201

  @smoke
  Scenario: Sign up, log in, deposit, withdraw, see the balance and history
    When Zanele logs in to the web ATM as "ZANELE" with password "ZAN123" and finger 2
    Then the web ATM answers 200
    When she deposits 500.00 on the web ATM
    And she withdraws 120.00 on the web ATM
    Then the web ATM shows a balance of 380.00 with this history:
      | type       | amount  |
      | withdrawal | -120.00 |
      | deposit    | 500.00  |

  Scenario: A withdrawal larger than the balance is refused
    When Zanele logs in to the web ATM as "ZANELE" with password "ZAN123" and finger 2
    And she deposits 50.00 on the web ATM
    And she withdraws 80.00 on the web ATM
    Then the web ATM refuses with "insufficient-funds"
    And the web ATM shows a balance of 50.00 with this history:
      | type    | amount |
      | deposit | 50.00  |

  Scenario Outline: Login needs all three factors (<what> wrong)
    When Zanele logs in to the web ATM as "<username>" with password "<password>" and finger <finger>
    Then the web ATM refuses with "login-failed"

    Examples:
      | what        | username | password | finger |
      | username    | ZANELEX  | ZAN123   | 2      |
      | password    | ZANELE   | ZAN999   | 2      |
      | fingerprint | ZANELE   | ZAN123   | 5      |

  Scenario: A username is taken only once
    When Zodwa signs up on the web ATM as "ZANELE" with password "ZOD123" and finger 1 and phone "+260971000021"
    Then the web ATM refuses with "conflict"

  Scenario: After logout the session is gone
    When Zanele logs in to the web ATM as "ZANELE" with password "ZAN123" and finger 2
    And she logs out of the web ATM
    And she deposits 10.00 on the web ATM
    Then the web ATM refuses with "not-logged-in"

  Scenario: The same customer at a physical terminal running seed000
    When Zanele starts a session
    And Zanele logs in as "ZANELE" with password "ZAN123"
    Then the LCD shows "Place your finger"
    When Zanele places finger 2
    Then the transaction menu is shown
    # The bank lets the terminal read her account: her password, checked there, confirmed its session.
    When Zanele chooses "balance inquiry"
    Then the LCD shows "ZMW 0.00"

  Scenario: A wrong password at the terminal is "Login failed"
    When Zanele starts a session
    And Zanele logs in as "ZANELE" with password "ZAN999"
    Then the LCD shows "Login failed"
    And the username+password step has 2 attempts left
