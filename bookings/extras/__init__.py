"""Extras sold with a stay: the catalog (breakfast, parking, the airport shuttle), their
daily stock counters and the extras a booking carries.

models: the tables; pricing: the pure price of an extra and the booking's items;
catalog: managers' writes; stock: the counters taken and given back in the booking's own
transactions; booking: choosing extras for a new booking and adding them to one.
Nothing here imports the modules that use it (create, transition); they call in.
"""
