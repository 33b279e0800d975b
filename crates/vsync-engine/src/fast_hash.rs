//! The hasher of the engine's large maps (a million usernames): foldhash.
//!
//! The keys come from the operator's own file and tenant, and each process picks a random
//! seed, so the standard library's SipHash (resistance to crafted collisions) is not worth its
//! cost here; speed is.

/// Builds the engine's hashers.
pub(crate) type FastBuild = foldhash::fast::RandomState;

/// A `HashMap` with [`FastBuild`].
pub(crate) type FastMap<K, V> = std::collections::HashMap<K, V, FastBuild>;

/// A `HashSet` with [`FastBuild`].
pub(crate) type FastSet<K> = std::collections::HashSet<K, FastBuild>;
