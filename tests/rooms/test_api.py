def test_room_list_starts_empty(api):
    response = api.get("/api/rooms")
    assert response.status_code == 200
    assert response.json() == {"rooms": [], "count": 0}
