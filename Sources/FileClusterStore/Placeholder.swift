// Filled by a later change; see DESIGN.md for what this module owns.
