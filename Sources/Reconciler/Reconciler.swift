// Desired-state rendering and the control loops.
