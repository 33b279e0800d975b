//! vsync-executor (under construction).
