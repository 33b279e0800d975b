//! vsync-report (under construction).
