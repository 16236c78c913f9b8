"""Online check-in: the guest's registration before arrival (address, nationality, ID
document, signature), its registration card for the desk, the invitation email two days
before arrival, and the erasure of the ID document a set number of days after check-out."""
