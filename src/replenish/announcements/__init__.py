"""Read press statements and wire stories (English and Danish) into proposed pledges,
requirements and orders, each tied to the words it came from, for a coordinator to review."""
