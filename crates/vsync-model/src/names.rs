//! [`NameSet`]: the display names a user or group refers to.

use std::fmt;

use compact_str::CompactString;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use thin_vec::ThinVec;

/// A set of display names (groups, permissions or profiles), in byte order and without
/// duplicates, like a `BTreeSet<String>`.
///
/// A million users each hold three of these, mostly empty or with a few short names, so the
/// layout is what matters: one pointer when empty (no allocation), and one allocation holding
/// the names, each inline up to 24 bytes, otherwise.
///
/// ```
/// # use vsync_model::NameSet;
/// let mut groups: NameSet = ["Sales", "Finance"].into_iter().collect();
/// assert!(groups.insert("Admins"));
/// assert!(!groups.insert("Sales"));
/// assert_eq!(groups.iter().collect::<Vec<_>>(), ["Admins", "Finance", "Sales"]);
/// ```
#[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NameSet(ThinVec<CompactString>);

impl NameSet {
    /// An empty set (allocates nothing).
    pub fn new() -> Self {
        Self(ThinVec::new())
    }

    /// The number of names.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the set holds no name.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The names, in byte order.
    pub fn iter(&self) -> Iter<'_> {
        Iter(self.0.iter())
    }

    fn position(&self, name: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|n| n.as_str().cmp(name))
    }

    /// Whether `name` (exactly as spelled) is in the set.
    pub fn contains(&self, name: &str) -> bool {
        self.position(name).is_ok()
    }

    /// Adds `name`; returns whether it was new.
    pub fn insert(&mut self, name: impl AsRef<str> + Into<CompactString>) -> bool {
        match self.position(name.as_ref()) {
            Ok(_) => false,
            Err(at) => {
                self.0.insert(at, name.into());
                true
            }
        }
    }

    /// Removes `name`; returns whether it was there.
    pub fn remove(&mut self, name: &str) -> bool {
        match self.position(name) {
            Ok(at) => {
                self.0.remove(at);
                true
            }
            Err(_) => false,
        }
    }

    /// Removes every name.
    pub fn clear(&mut self) {
        self.0 = ThinVec::new();
    }
}

/// The names of a [`NameSet`], in byte order.
#[derive(Debug, Clone)]
pub struct Iter<'a>(std::slice::Iter<'a, CompactString>);

impl<'a> Iterator for Iter<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        self.0.next().map(CompactString::as_str)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl DoubleEndedIterator for Iter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(CompactString::as_str)
    }
}

impl ExactSizeIterator for Iter<'_> {}

impl<'a> IntoIterator for &'a NameSet {
    type Item = &'a str;
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl<S: AsRef<str> + Into<CompactString>> Extend<S> for NameSet {
    fn extend<I: IntoIterator<Item = S>>(&mut self, names: I) {
        let before = self.0.len();
        self.0.extend(names.into_iter().map(Into::into));
        if self.0.len() != before {
            self.0.sort_unstable();
            self.0.dedup();
        }
    }
}

impl<S: AsRef<str> + Into<CompactString>> FromIterator<S> for NameSet {
    fn from_iter<I: IntoIterator<Item = S>>(names: I) -> Self {
        let mut set = Self::new();
        set.extend(names);
        set
    }
}

impl<S: AsRef<str> + Into<CompactString>, const N: usize> From<[S; N]> for NameSet {
    fn from(names: [S; N]) -> Self {
        names.into_iter().collect()
    }
}

impl fmt::Debug for NameSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl Serialize for NameSet {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for NameSet {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Vec::<CompactString>::deserialize(deserializer)?
            .into_iter()
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn behaves_like_a_btreeset_of_strings() {
        let names = [
            "b",
            "a",
            "Ä",
            "a",
            "B",
            "long name well over twenty-four bytes",
            "",
        ];
        let mut set = NameSet::new();
        let mut model = BTreeSet::new();
        for name in names {
            assert_eq!(set.insert(name), model.insert(name.to_owned()), "{name}");
        }
        assert!(set.iter().eq(model.iter().map(String::as_str)));
        assert_eq!(set.len(), model.len());
        assert!(set.contains("Ä") && !set.contains("ä"));
        assert!(set.remove("a") && !set.remove("a"));
        model.remove("a");
        assert!(set.iter().eq(model.iter().map(String::as_str)));
        let collected: NameSet = model.iter().rev().collect();
        assert_eq!(collected, set);
    }

    #[test]
    fn serializes_as_a_sorted_list() {
        let set: NameSet = ["Sales", "Finance", "Sales"].into_iter().collect();
        assert_eq!(
            serde_json::to_string(&set).unwrap(),
            r#"["Finance","Sales"]"#
        );
        let back: NameSet = serde_json::from_str(r#"["Sales","Finance","Sales"]"#).unwrap();
        assert_eq!(back, set);
    }

    #[test]
    fn an_empty_set_is_one_pointer() {
        assert_eq!(std::mem::size_of::<NameSet>(), std::mem::size_of::<usize>());
    }
}
