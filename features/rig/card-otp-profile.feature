@custom-profile
Feature: A profile whose only secret is an SMS OTP
  Card, then OTP: the bank lets the ATM act on the customer's account once her OTP, checked there, confirmed the
  session (an ATM acts only for the customer it identified and checked a secret of: docs/security.md).

  Background:
    Given an ATM running this profile:
      """
      {
        "id": "card-otp",
        "name": "Card and SMS OTP",
        "tiers": [{ "kind": "card" }, { "kind": "otp", "length": 6 }],
        "transactions": ["withdraw", "balance", "statement"]
      }
      """
    And these customers are enrolled:
      | name     | phone         | pin  | card             | balance |
      | Thandiwe | +260971000010 | 4321 | 9000000000000004 | 1000.00 |

  Scenario: Card and OTP open the menu, then a withdrawal
    When Thandiwe authenticates
    Then the transaction menu is shown
    When Thandiwe withdraws 300
    Then the dispenser pays out 300
    And Thandiwe's balance is 700.00
