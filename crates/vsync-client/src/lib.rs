//! vsync-client (under construction).
