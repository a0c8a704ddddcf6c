@seed001 @seed002 @attempts
Feature: A customer locked after repeated wrong PINs or passwords stays locked until staff unlock
  Each session allows three attempts; the bank counts failures across sessions and locks the customer after six in
  a row. A locked customer is refused at once, the card (if any) is retained, and only staff can unlock.

  Scenario Outline: <profile>: two sessions of wrong <secret>s lock Alice out
    Given an ATM running the "<profile>" profile
    And the demo customers are enrolled
    When Alice gets to the "<secret>" screen
    And Alice fails the <secret> step 3 times
    And Alice gets to the "<secret>" screen
    And Alice fails the <secret> step 3 times
    And Alice gets to the "<secret>" screen
    And Alice enters her <Secret>
    Then the LCD shows "Account locked"
    And the session ends with reason "lockout"
    When staff unlock Alice
    And Alice authenticates
    Then the transaction menu is shown

    Examples:
      | profile | secret   | Secret   |
      | seed001 | pin      | PIN      |
      | seed002 | password | password |
