## Mail in: the explanation sent once to an account whose mail was not added.

mail-in-refused-subject = Your message was not recorded
mail-in-refused-not-writer = Hello,

    Your message answers a request your account may not write to: it was not added. Write from your Guichet account's address, or answer from the portal.
mail-in-refused-no-convention = Hello,

    Your organisation has no current convention for this offer: your message opened no request. Your coordinator can tell you more.
mail-in-refused-no-ticket = Hello,

    Your message answers no request and was not sent to an offer's address: it was not recorded. Answer a notification, or write to an offer's address.
mail-in-refused-incomplete = Hello,

    Your message could not be recorded: it is empty, or this request asks for details a mail does not give. File it from the portal.

## An offer's mail address.

mail-address-invalid = Enter a valid e-mail address.
mail-address-taken = Another offer already uses this address.
mail-address-subcategory = Choose a subcategory of this offer.
mail-address-title = Mail address
mail-address-help = Mail sent to this address (delivered to Guichet by `guichet mail-in` or read from a mailbox) opens a request in the chosen subcategory, for a contact whose organisation has a convention for the offer.
mail-address-current = Current address:
mail-address-none = This offer takes no mail.
mail-address-address = Address
mail-address-new-subcategory = Subcategory of new requests
mail-address-remove = Stop taking mail
