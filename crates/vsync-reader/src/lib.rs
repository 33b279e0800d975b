//! vsync-reader (under construction).
