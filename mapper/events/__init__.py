"""Event typing, fact extraction, severity and event location/date."""
