@seed001 @table-I
Feature: The ATM asks for one finger, chosen at random (Table I of the random-finger design)
  The customer enrolled all ten fingers. At every session the ATM asks for one of them, picked at random, and only
  that finger passes: any other finger, even the owner's, is "Wrong finger".

  Scenario Outline: Finger <placed> placed when the ATM asks for finger <requested>
    Given an ATM running the "seed001" profile that asks for finger <requested>
    And the demo customers are enrolled
    When Alice starts a session
    Then the ATM asks for finger <requested>
    When Alice places finger <placed> when asked for finger <requested>
    Then the LCD shows "<screen>"

    Examples: the four cases of Table I
      | requested | placed | screen       |
      | 3         | 1      | Wrong finger |
      | 4         | 4      | Enter PIN    |
      | 6         | 6      | Enter PIN    |
      | 3         | 3      | Enter PIN    |

  Scenario: The requested finger varies from session to session
    Given an ATM running the "seed001" profile
    And the demo customers are enrolled
    When Alice starts and cancels 12 sessions
    Then the ATM asked for at least 4 different fingers

  Scenario: The owner's own finger is refused when it is not the one requested
    Given an ATM running the "seed001" profile
    And the demo customers are enrolled
    When Alice starts a session
    And Alice places another of her own fingers
    Then the LCD shows "Wrong finger"
    And the fingerprint step has 2 attempts left

  Scenario: Another customer's requested finger identifies that customer, not Alice
    Given an ATM running the "seed001" profile
    And the demo customers are enrolled
    When Alice starts a session
    And Alice places Bwalya's requested finger
    Then the ATM asks for her PIN
    And the ATM shows the "enter-pin" screen

  Scenario: A finger nobody enrolled is not matched
    Given an ATM running the "seed001" profile
    And the demo customers are enrolled
    When Alice starts a session
    And Alice places a finger nobody enrolled
    Then the LCD shows "Finger not matched"
    And the fingerprint step has 2 attempts left

  Scenario: A dirty or damaged print is not matched, a slightly worn one is
    Given an ATM running the "seed001" profile
    And the demo customers are enrolled
    When Alice starts a session
    And Alice places the requested finger with a print of quality 30%
    Then the LCD shows "Finger not matched"
    When Alice places the requested finger with a print of quality 85%
    Then the ATM asks for her PIN

  Scenario: A wax copy passes a sensor without liveness detection (the design's stated limitation)
    Given an ATM running the "seed001" profile
    And the demo customers are enrolled
    And Mallory is not a customer of the bank
    When Mallory starts a session
    And Mallory places a wax copy of Alice's requested finger
    Then the ATM asks for her PIN

  Scenario: A sensor with liveness detection refuses a wax copy
    Given an ATM running the "seed001" profile
    And the ATM's fingerprint sensor detects artificial fingers
    And the demo customers are enrolled
    And Mallory is not a customer of the bank
    When Mallory starts a session
    And Mallory places a wax copy of Alice's requested finger
    Then the fingerprint sensor reports "spoof-detected"
    And the ATM shows the "place-finger" screen

  Scenario: Three fingers nobody enrolled end the session
    Given an ATM running the "seed001" profile
    And the demo customers are enrolled
    When Alice starts a session
    And Alice places a finger nobody enrolled
    And Alice places a finger nobody enrolled
    And Alice places a finger nobody enrolled
    Then the session ends with reason "lockout"

  Scenario: A card inserted into the cardless ATM is handed straight back
    Given an ATM running the "seed001" profile
    And the demo customers are enrolled
    When someone inserts a card numbered "4000001234567899"
    Then the card is ejected
    And the ATM is idle
