@custom-profile
Feature: A custom profile runs with the step library as it is
  Written only from docs/steps.md: card, then PIN, then OTP, a profile none of the published designs uses.

  Background:
    Given an ATM running this profile:
      """
      {
        "id": "card-pin-otp",
        "name": "Card, PIN and SMS OTP",
        "tiers": [{ "kind": "card" }, { "kind": "pin", "length": 4 }, { "kind": "otp", "length": 6 }],
        "transactions": ["withdraw", "balance", "statement"]
      }
      """
    And these customers are enrolled:
      | name        | phone         | pin  | card             | balance |
      | Thandiwe    | +260971000010 | 4321 | 9000000000000004 | 1000.00 |

  Scenario: Card, PIN and OTP open the menu
    When Thandiwe authenticates
    Then the transaction menu is shown
    When Thandiwe withdraws 300
    Then the dispenser pays out 300
    And Thandiwe's balance is 700.00

  Scenario: A transaction the profile does not offer is not on the menu
    When Thandiwe authenticates
    And Thandiwe presses 3
    Then the ATM shows the "menu" screen
