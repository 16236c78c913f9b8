"""The preset dictionaries that pack a booking's price snapshot (hotel.dynamo.PackedJSONAttribute).

A dictionary is a sample of what Booking.nightly, .terms and .extras hold: their keys and
usual values, with what occurs most at the end (deflate reaches back 32 KB and codes near
matches shorter). With it a usual terms snapshot packs from 471 bytes of JSON to about 40,
and a booking item stays under the 1 KB a write unit buys.

Append-only: bookings written with a dictionary are unpacked with it for as long as they
live, so a dictionary is never edited or removed (tests/bookings/test_item_size.py pins
each one's digest). When the snapshot's shape changes enough to matter, add a new one at
the end; it packs from then on.
"""

from __future__ import annotations

SNAPSHOT_V1 = (
    b'{"code":"","name":"","unit":"night","value":0},{"fromAge":0,"toAge":0,"price":0},'
    b'"promo":{"code":"","kind":"percent","value":0,"perGuest":true},'
    b'{"kind":"extra","label":"","amount":0},{"kind":"cityTax","label":"City tax","amount":0},'
    b'"adjustment":{"kind":"percent","value":0},"payment":"deposit","depositPercent":30,'
    b'{"key":"","code":"","name":"","unitPrice":0,"quantity":1,"taxCategory":"standard",'
    b'"unit":"stay","date":""},'
    b'{"ratePlan":"FLEX","name":"Flexible","adjustment":null,"occupancy":{"included":null,'
    b'"extraAdult":0,"childBands":[],"extraBed":0,"bedsFor":null},"included":[],'
    b'"cancellation":"7:100,2:50,0:0","noShowPercent":100,"payment":"prepay",'
    b'"depositPercent":null,"taxPercent":"","cityTax":{"kind":"none","value":"0","fromAge":18,'
    b'"maxNights":null},"promo":null,"lines":[{"kind":"room","label":" nights","amount":0},'
    b'{"kind":"tax","label":"Tax  %","amount":0}]}'
    b'[{"date":"2026-12-01","amount":0,"rule":null,"base":0,"gross":0,"discount":0},'
    b'{"date":"2026-12-02","amount":0,"rule":null,"base":0,"gross":0,"discount":0}]'
)

SNAPSHOT_DICTIONARIES = (SNAPSHOT_V1,)
