"""Group blocks: units of a room type held per night for a group, picked by its guests,
released back to general inventory on the release date (bookings.blocks.services)."""
