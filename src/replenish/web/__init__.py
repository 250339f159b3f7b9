"""Pages and static assets served by the application itself: nothing comes from the internet."""
