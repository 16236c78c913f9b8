"""A guest's right to their data: export everything the hotel holds about a guest, and erase
it on request.

It lives in the payments app because "everything" includes the bill, payments and invoices
(bookings may not import payments). It reads and writes through each table's own keys and
indexes: the profile and its keys (bookings.guests), the bookings it names and those the
bookings' guestEmail index finds, their reservations, folios, payments, invoices, the audit
entries about each of those objects (the audit table is keyed by object), the email outbox
(its recipient index, hotel.mail) and the channel events the bookings came from (a Query per
channel). One Scan, in the erasure only: the webhook delivery log (hotel.webhooks.erasure),
filtered on the bookings' ids; it holds 30 days and an erasure is rare, so no index is kept
for it.

Invoices are immutable legal records: they keep the payer's name and address the law requires
and are neither changed nor deleted by an erasure (the export says so).
"""
