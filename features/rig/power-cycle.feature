@seed001 @faults @serial
Feature: A module that loses power comes back by itself
  A module power-cycled while its port stays open (the USB adapter kept plugged in) is found again by its driver:
  it goes offline with its reason, the ATM goes out of service, and once the module answers its handshake the next
  session works. On virtual devices the device drops off the bus for as long.

  Scenario: The fingerprint sensor loses power between sessions
    Given an ATM running the "seed001" profile
    And the demo customers are enrolled
    When the fingerprint loses power for 2 seconds
    Then the fingerprint shows offline
    And the ATM goes out of service
    And the fingerprint comes back online
    And the ATM is back in service
    When Alice authenticates
    Then the transaction menu is shown
