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
