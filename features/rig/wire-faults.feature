@seed001 @wire-faults
Feature: Faults on the wire: what the session does when the bus or the bank misbehaves
  Messages are lost, late, doubled, reordered or damaged between the devices and the controller, and the bank
  answers late, not at all, or its answer is lost. Whatever happens, no money moves without a completed
  withdrawal, and each account's ledger adds up to its balance. docs/faults.md describes each fault.

  Background:
    Given an ATM running the "seed001" profile
    And the demo customers are enrolled

  Scenario: A lost key press: the customer presses again
    Given the next keypad event is lost
    When Alice starts a session
    Then the ATM shows the "welcome" screen
    And 1 keypad event was lost
    When Alice presses ENTER
    Then the ATM asks for one finger between 1 and 10

  Scenario: Every fingerprint event lost: the session gives up at its timeout, and nothing is debited
    Given 100% of the fingerprint events are lost
    When Alice starts a session
    And Alice places the requested finger
    And 30 seconds pass
    Then the session ends with reason "timeout"
    And Alice's balance is 5000.00

  Scenario: Key presses out of order make a wrong PIN, which counts as an attempt
    When Alice starts a session
    And Alice places the requested finger
    Given the keypad events arrive out of order
    When Alice types "1991"
    And Alice presses ENTER
    And 1 second passes
    Then the pin step has 2 attempts left
    And 3 keypad events were reordered

  Scenario: Every dispenser event arrives twice: the cash is paid and debited once
    Given the dispenser events arrive twice
    When Alice authenticates
    And Alice withdraws 200
    Then the dispenser pays out 200
    And Alice's balance is 4800.00
    And Alice's ledger adds up to her balance

  Scenario: Every dispenser command arrives twice: the dispenser answers the repeat, and pays once
    Given the dispenser commands arrive twice
    When Alice authenticates
    And Alice withdraws 200
    Then the dispenser pays out 200
    And the dispenser has paid out 200 in all
    And Alice's balance is 4800.00

  Scenario: The dispenser's answers arrive 5 seconds late: the withdrawal completes
    Given the dispenser events arrive 5 seconds late
    When Alice authenticates
    And Alice withdraws 200
    Then the dispenser pays out 200
    And Alice's balance is 4800.00

  Scenario: Damaged key presses are refused as bad payloads; once the wire is mended the ATM serves as before
    Given the keypad events are cut short
    When Alice presses ENTER
    Then the ATM shows the "welcome" screen
    When the faults are cleared
    And Alice authenticates
    Then the transaction menu is shown

  Scenario: Flipped bits on the keypad: the ATM neither crashes nor moves money
    Given the keypad events have bits flipped
    When Alice presses ENTER
    And the faults are cleared
    And 2 minutes pass
    Then the ATM is idle
    And Alice's balance is 5000.00

  Scenario: The keypad is cut off the bus at a key press: the ATM is out of service until it is back, then serves
    Given the keypad is cut off the bus at its next event
    When Alice presses ENTER
    Then the keypad comes back online
    And the ATM is back in service
    When Alice presses ENTER
    Then the ATM asks for one finger between 1 and 10

  Scenario: The bank answers after 5 seconds: the customer waits, then goes on
    Given the bank answers after 5 seconds
    When Alice starts a session
    And Alice places the requested finger, and the ATM asks the bank
    Then the ATM shows the "checking-finger" screen
    When 4 seconds pass
    Then the ATM shows the "checking-finger" screen
    When 1 second passes
    Then the ATM asks for her PIN

  Scenario: The ATM is cut off from the bank: the session ends as the service is unavailable
    Given the ATM is cut off from the bank
    When Alice starts a session
    And Alice places the requested finger
    Then the session ends with reason "service-unavailable"
    When the faults are cleared
    And Alice authenticates
    Then the transaction menu is shown

  Scenario: The bank's answer to a withdrawal is lost: the ATM asks again, and the cash is debited once
    Given the bank's answer to the next withdrawal is lost
    When Alice authenticates
    And Alice withdraws 200
    Then 1 bank answer was lost
    And the dispenser pays out 200
    And Alice's balance is 4800.00
    And Alice's ledger adds up to her balance
