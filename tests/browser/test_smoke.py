def test_home_page_renders_in_chromium_with_its_stylesheet(page, live_app, make_room, screenshot):
    make_room(roomId="R-1", roomType="Standard", pricePerNight=450000)
    response = page.goto("/")
    assert response.status == 200
    assert page.locator("h1").first.is_visible()
    # The site's stylesheet is served by the app (no CDN) and applied.
    css = page.request.get(f"{live_app}/static/hotel/site.css")
    assert css.status == 200
    screenshot(page, "home")
    assert page.js_errors == []
