//! vsync-engine (under construction).
