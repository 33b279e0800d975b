//! Paged lists: [`Page`] and the [`Lister`] that fetches one page, a
//! stream of items, or all of them.
//!
//! # Call count
//!
//! A page shorter than the page size is the last one, so listing `n`
//! items costs `n / size + 1` calls: 0 or 999 users one call, 1000 or 1001
//! two, 5000 six. The one extra call happens only when the last page was
//! exactly full. When the server reports a smaller `limit` than asked,
//! that `limit` is the page size.

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use serde::Serialize;
use serde::de::DeserializeOwned;
use vsync_api::paths::Operation;
use vsync_api::query::{
    PermissionUsersQuery, UserGroupUsersQuery, UserGroupsV1Query, UserGroupsV2Query, UsersV1Query,
};

use crate::client::Client;
use crate::core::{Mode, Request, Sink, decode_json};
use crate::{CallOptions, ClientError};

/// One page of a list.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// The index of the first item.
    pub start: u32,
    /// The page size asked for (or the server's `limit`, if it said).
    pub limit: u32,
}

impl<T> Page<T> {
    /// Whether no page follows: this one is shorter than the page size.
    pub fn is_last(&self) -> bool {
        self.limit == 0 || (self.items.len() as u64) < u64::from(self.limit)
    }

    /// The `start` of the next page, if there is one.
    pub fn next_start(&self) -> Option<u32> {
        (!self.is_last()).then(|| self.start.saturating_add(self.items.len() as u32))
    }
}

impl<T> IntoIterator for Page<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

/// A query struct with `start` and `limit`.
pub trait PagedQuery: Serialize + Clone + Send + Sync + 'static {
    /// Sets the page window.
    fn set_page(&mut self, start: u32, limit: u32);
}

macro_rules! paged_query {
    ($($t:ty),+) => {$(
        impl PagedQuery for $t {
            fn set_page(&mut self, start: u32, limit: u32) {
                self.start = Some(start);
                self.limit = Some(limit);
            }
        }
    )+};
}
paged_query!(
    UsersV1Query,
    UserGroupsV1Query,
    UserGroupsV2Query,
    UserGroupUsersQuery,
    PermissionUsersQuery
);

/// A list response DTO: its items and the server's `limit`.
pub trait PageBody: DeserializeOwned + Send + 'static {
    /// One item of the list.
    type Item: Send + 'static;
    /// The items and the `limit` the server reported, if any.
    fn into_items(self) -> (Vec<Self::Item>, Option<u32>);
}

/// A list call under construction: set the query, then [`Lister::send`]
/// for one page, [`Lister::into_stream`] for every item lazily, or
/// [`Lister::all`].
pub struct Lister<Q, B> {
    client: Client,
    op: Operation,
    path: String,
    opts: CallOptions,
    query: Q,
    page_size: u32,
    start: u32,
    _body: std::marker::PhantomData<fn() -> B>,
}

impl<Q: fmt::Debug, B> fmt::Debug for Lister<Q, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Lister")
            .field("op", &self.op)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("page_size", &self.page_size)
            .field("start", &self.start)
            .finish_non_exhaustive()
    }
}

type PageFuture<T> = Pin<Box<dyn Future<Output = Result<Page<T>, ClientError>> + Send>>;

impl<Q, B> Lister<Q, B>
where
    Q: PagedQuery,
    B: PageBody,
{
    pub(crate) fn new(
        client: Client,
        op: Operation,
        path: String,
        opts: CallOptions,
        query: Q,
        page_size: u32,
    ) -> Self {
        Self {
            client,
            op,
            path,
            opts,
            query,
            page_size,
            start: 0,
            _body: std::marker::PhantomData,
        }
    }

    /// Changes the query (filters, flags); `start` and `limit` are set by
    /// the lister.
    pub fn query(mut self, f: impl FnOnce(&mut Q)) -> Self {
        f(&mut self.query);
        self
    }

    /// Items per page (default: the API's maximum for this list).
    pub fn page_size(mut self, size: u32) -> Self {
        self.page_size = size.max(1);
        self
    }

    /// The index of the first item.
    pub fn start(mut self, start: u32) -> Self {
        self.start = start;
        self
    }

    fn fetch(&self, start: u32) -> PageFuture<B::Item> {
        let client = self.client.clone();
        let mut query = self.query.clone();
        let limit = self.page_size;
        query.set_page(start, limit);
        let req = Request::new(self.op, self.path.clone(), self.opts.clone()).query(&query);
        Box::pin(async move {
            let req = req?;
            let raw = client.execute(&req, Mode::Typed, Sink::Memory).await?;
            let body: B = decode_json(&raw)?;
            let (items, server_limit) = body.into_items();
            Ok(Page {
                items,
                start,
                limit: server_limit
                    .filter(|l| *l > 0 && *l < limit)
                    .unwrap_or(limit),
            })
        })
    }

    /// Fetches one page.
    pub async fn send(&self) -> Result<Page<B::Item>, ClientError> {
        self.fetch(self.start).await
    }

    /// Every item from `start` on, one page at a time, fetched as the
    /// stream is read.
    pub fn into_stream(self) -> BoxStream<'static, Result<B::Item, ClientError>> {
        let first = Some(self.start);
        stream::try_unfold((self, first), |(lister, next)| async move {
            let Some(start) = next else {
                return Ok(None);
            };
            let page = lister.fetch(start).await?;
            let next = page.next_start();
            Ok(Some((page.items, (lister, next))))
        })
        .map_ok(|items| stream::iter(items.into_iter().map(Ok)))
        .try_flatten()
        .boxed()
    }

    /// Every item from `start` on.
    pub async fn all(self) -> Result<Vec<B::Item>, ClientError> {
        self.into_stream().try_collect().await
    }
}

/// A stream of results, as returned by the `list_all_*` methods.
pub type ItemStream<T> = BoxStream<'static, Result<T, ClientError>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_page_rule() {
        let page = |n: usize, limit| Page {
            items: vec![(); n],
            start: 0,
            limit,
        };
        assert!(page(0, 1000).is_last());
        assert!(page(999, 1000).is_last());
        assert!(!page(1000, 1000).is_last());
        assert_eq!(page(1000, 1000).next_start(), Some(1000));
        assert_eq!(page(999, 1000).next_start(), None);
    }
}
