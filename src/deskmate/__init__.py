"""deskmate: mentoring and professional networking that starts from the people you already know."""
