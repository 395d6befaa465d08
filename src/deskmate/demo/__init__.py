"""The demo community: a university's students and alumni, generated the same way every time."""
