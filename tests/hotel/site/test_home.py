def test_home_page_shows_room_types_with_from_prices(client, make_room):
    make_room(roomId="R-1", roomType="Standard", pricePerNight=450000)
    make_room(roomId="R-2", roomType="Standard", pricePerNight=470000)
    make_room(roomId="R-3", roomType="Suite", pricePerNight=1250000, capacity=4)
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Standard" in html and "Suite" in html
    # What a guest pays for a night, taxes included (4,500.00 + 12 %), the cheaper room only.
    assert "₹5,040.00" in html and "₹5,264.00" not in html and "₹4,500.00" not in html
    assert "Up to 4 guests" in html
    assert html.index("Standard") < html.index("Suite")


def test_home_page_shows_each_type_as_staff_describe_it_without_room_ids(client, make_room):
    from django.utils import timezone

    from rooms.models import RoomType
    from rooms.room_type_services import room_type_create

    room_type_create(
        data={
            "roomType": "Twin",
            "name": "Garden twin",
            "beds": "2 singles",
            "sizeM2": 18,
            "maxAdults": 2,
            "maxChildren": 1,
            "maxGuests": 3,
            "basePrice": 420000,
            "amenities": ["WiFi", "Garden view"],
        },
        actor="test",
        now=timezone.now(),
    )
    room_type_create(
        data={
            "roomType": "Loft",
            "name": "Empty loft",
            "maxAdults": 2,
            "maxGuests": 2,
            "basePrice": 900000,
        },
        actor="test",
        now=timezone.now(),
    )
    make_room(roomId="R-SECRET-7", roomType="Twin", pricePerNight=999900)
    RoomType(roomType="Twin").update(
        actions=[RoomType.photos.set(["room-types/Twin/a.jpg", "room-types/Twin/b.jpg"])]
    )

    html = client.get("/").content.decode()

    assert "Garden twin" in html and "2 singles" in html and "18 m²" in html
    assert "Up to 3 guests" in html and "Garden view" in html and "What is included" in html
    assert "₹4,704.00" in html  # the type's base price with 12 % tax, not the room's
    assert 'src="/media/room-types/Twin/a.jpg"' in html and "room-types/Twin/b.jpg" in html
    assert "R-SECRET-7" not in html
    assert "Empty loft" not in html  # no rooms: nothing to sell
