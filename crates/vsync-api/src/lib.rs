//! vsync-api (under construction).
