//! vsync-sim (under construction).
