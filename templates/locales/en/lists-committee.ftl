list-establishment = Establishment
list-created = Filed on
list-updated = Last changed
list-queue-order = Back to the committee's queue order
