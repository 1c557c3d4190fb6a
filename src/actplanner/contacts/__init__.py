"""Recording contacts: the contact log's store, the "My day" page, its API and import/export."""
