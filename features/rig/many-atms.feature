@many-atms
Feature: Several ATMs on one bank
  Two ATMs share the bank and the bus. Two customers can use them at once; one customer cannot: while a
  session is open for her at one ATM, the bank refuses her card (a copied card is the usual reason) or her finger
  at another.

  @broker @smoke
  Scenario: Two customers use two ATMs at once
    Given ATMs atm-1 and atm-2 running "seed001"
    And these customers are enrolled:
      | name   | phone         | pin  | balance |
      | Alice  | +260971000021 | 1234 | 1000.00 |
      | Bwalya | +260971000022 | 5678 | 2000.00 |
    When Alice at atm-1 and Bwalya at atm-2 each withdraw 300 at the same time
    Then atm-1 pays out 300
    And atm-2 pays out 300
    And Alice's balance is 700.00
    And Bwalya's balance is 1700.00
    And Alice's ledger adds up to her balance
    And Bwalya's ledger adds up to his balance

  Scenario: Each ATM keeps its own session
    Given ATMs atm-1 and atm-2 running "seed001"
    And these customers are enrolled:
      | name   | phone         | pin  | balance |
      | Alice  | +260971000021 | 1234 | 1000.00 |
      | Bwalya | +260971000022 | 5678 | 2000.00 |
    When Alice authenticates at atm-1
    And Bwalya authenticates at atm-2
    And Bwalya withdraws 200 at atm-2
    Then atm-2 shows "Take your cash"
    And the session at atm-1 goes on
    When Alice withdraws 100
    Then the dispenser pays out 100
    And Alice's balance is 900.00
    And Bwalya's balance is 1800.00

  @broker
  Scenario: A customer with a session open at one ATM is refused at another
    Given ATMs atm-1 and atm-2 running "seed002"
    And these customers are enrolled:
      | name  | phone         | password | card             | balance |
      | Alice | +260971000021 | K7Q2XA   | 4000000000000101 | 1000.00 |
    When Alice authenticates at atm-1
    And someone inserts a copy of Alice's card at atm-2
    Then atm-2 shows "Open at another ATM"
    And the session at atm-2 ends with reason "in-use-elsewhere"
    And the session at atm-1 goes on
    When Alice withdraws 100
    Then the dispenser pays out 100
    And Alice's balance is 900.00

  Scenario: Someone with only her card cannot keep her out of another ATM
    Given ATMs atm-1 and atm-2 running "seed002"
    And these customers are enrolled:
      | name  | phone         | password | card             | balance |
      | Alice | +260971000021 | K7Q2XA   | 4000000000000101 | 1000.00 |
    When someone inserts a copy of Alice's card at atm-1
    Then the ATM asks for her password
    When Alice authenticates at atm-2
    And Alice withdraws 100 at atm-2
    Then atm-2 pays out 100
    And Alice's balance is 900.00

  Scenario: Her card at two ATMs: the first to take her password keeps the session (seed002)
    Given ATMs atm-1 and atm-2 running "seed002"
    And these customers are enrolled:
      | name  | phone         | password | card             | balance |
      | Alice | +260971000021 | K7Q2XA   | 4000000000000101 | 1000.00 |
    When Alice starts a session at atm-1
    And someone inserts a copy of Alice's card at atm-2
    And Alice enters her password at atm-1
    And Alice enters her password at atm-2
    Then atm-2 shows "Open at another ATM"
    And the session at atm-2 ends with reason "in-use-elsewhere"
    And the session at atm-1 goes on

  Scenario: Her finger at two ATMs: the first to take her PIN keeps the session (seed001)
    Given ATMs atm-1 and atm-2 running "seed001"
    And these customers are enrolled:
      | name  | phone         | pin  | balance |
      | Alice | +260971000021 | 4821 | 1000.00 |
    When Alice starts a session at atm-1
    And Alice places the requested finger at atm-1
    And Alice starts a session at atm-2
    And Alice places the requested finger at atm-2
    And Alice enters her PIN at atm-1
    And Alice enters her PIN at atm-2
    Then atm-2 shows "Open at another ATM"
    And the session at atm-2 ends with reason "in-use-elsewhere"
    And the session at atm-1 goes on

  Scenario: Her finger at a second ATM is refused while her session at the first is open
    Given ATMs atm-1 and atm-2 running "seed001"
    And these customers are enrolled:
      | name  | phone         | pin  | balance |
      | Alice | +260971000021 | 1234 | 1000.00 |
    When Alice authenticates at atm-1
    And Alice starts a session at atm-2
    And Alice places the requested finger at atm-2
    Then atm-2 shows "Open at another ATM"
    And the session at atm-2 ends with reason "in-use-elsewhere"
    And the session at atm-1 goes on
    When Alice finishes
    And Alice authenticates at atm-2
    And Alice withdraws 100 at atm-2
    Then atm-2 pays out 100

  Scenario: Her card works at the other ATM once her session has ended
    Given ATMs atm-1 and atm-2 running "seed002"
    And these customers are enrolled:
      | name  | phone         | password | card             | balance |
      | Alice | +260971000021 | K7Q2XA   | 4000000000000101 | 1000.00 |
    When Alice starts a session at atm-1
    And Alice presses CANCEL
    Then atm-1 is idle
    When Alice authenticates at atm-2
    And Alice withdraws 100 at atm-2
    Then atm-2 pays out 100

  @wire-faults
  Scenario: One ATM cut off from the bank; the other serves its customer
    Given ATMs atm-1 and atm-2 running "seed001"
    And the demo customers are enrolled
    And atm-2 is cut off from the bank
    When Alice authenticates at atm-1
    And Bwalya starts a session at atm-2
    And Bwalya places the requested finger at atm-2
    Then the transaction menu is shown
    And the session at atm-2 ends with reason "service-unavailable"
