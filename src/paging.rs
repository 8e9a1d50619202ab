//! Pagers: the next request from the last page, for the paged commands.
//!
//! # How does paging work here?
//! `get_list` pages with four cursors, two per stream: `TimeStamp` /
//! `StartIndex` for normal conversations and `TopTimeStamp` / `TopStartIndex`
//! for pinned ones; the client sends back what the last page returned until
//! `CompleteFlag` is 1. `get_contact_group` and `sns/friend_get` page with a
//! plain offset, `StartIndex` ← `NextStartIndex` ([`OffsetPager`]). A pager holds the cursor of the next page
//! (and, for `get_list`, the cursors already sent: 16 bytes a page), so the
//! items in memory are bounded by one page; the cursor can be saved and given
//! back later to resume.
//!
//! A server that answers "not complete" with a cursor that does not move
//! forward, comes back to an earlier cursor, or sends empty pages forever
//! would make a naive loop spin; the pager stops with an
//! [`crate::ErrorKind::Pagination`] error instead.
//!
//! Pagers are pure: [`ConversationPager::request`] builds the next request,
//! [`ConversationPager::advance`] takes the page that came back.

use std::collections::VecDeque;

use crate::api::Command;
use crate::error::Error;
use crate::model::{
    ContactData, ContactGroupPage, Conversation, Friend, FriendPage, GetContactGroupRequest,
    GetListCursor, GetListPage, GetListRequest, SnsFriendGetRequest,
};

/// What [`ItemStream`] needs of a pager.
pub trait Pager {
    /// The request of one page.
    type Request: Command<Output = Self::Page>;
    /// One page.
    type Page;
    /// One item of a page.
    type Item;
    /// A saved position.
    type Cursor: Copy;

    /// The request for the next page, `None` once complete.
    fn request(&self) -> Option<Self::Request>;
    /// Takes the page answered to [`Pager::request`].
    ///
    /// # Errors
    /// [`crate::ErrorKind::Pagination`] when the cursor did not advance.
    fn advance(&mut self, page: &Self::Page) -> Result<(), Error>;
    /// Where the next page starts, `None` once complete.
    fn cursor(&self) -> Option<Self::Cursor>;
    /// The items of a page, in server order.
    fn items(page: Self::Page) -> Vec<Self::Item>;
    /// A pager like this one, positioned at `cursor`.
    fn resume(&self, cursor: Self::Cursor) -> Self;
}

/// Items one at a time over a [`Pager`], holding at most one page.
///
/// [`ItemStream::cursor`] is the start of the page whose items are being
/// handed out, so resuming from it may repeat items already seen of that one
/// page but never skips one.
#[derive(Debug, Clone)]
pub struct ItemStream<P: Pager> {
    pager: P,
    buffer: VecDeque<P::Item>,
    page_start: Option<P::Cursor>,
}

impl<P: Pager> ItemStream<P> {
    /// A stream starting where `pager` is.
    pub fn new(pager: P) -> Self {
        ItemStream {
            pager,
            buffer: VecDeque::new(),
            page_start: None,
        }
    }

    /// The next buffered item, if any.
    pub fn pop(&mut self) -> Option<P::Item> {
        self.buffer.pop_front()
    }

    /// The request for the next page when the buffer is empty; `None` when
    /// items are buffered or the listing is complete.
    pub fn next_request(&self) -> Option<P::Request> {
        if self.buffer.is_empty() {
            self.pager.request()
        } else {
            None
        }
    }

    /// Takes the page answered to [`ItemStream::next_request`].
    ///
    /// # Errors
    /// As [`Pager::advance`]; the stream then stays where it was.
    pub fn push_page(&mut self, page: P::Page) -> Result<(), Error> {
        let start = self.pager.cursor();
        self.pager.advance(&page)?;
        self.buffer = P::items(page).into();
        self.page_start = start;
        Ok(())
    }

    /// Where to resume: the start of the page being handed out while items of
    /// it remain, else the next page; `None` when everything was handed out.
    pub fn cursor(&self) -> Option<P::Cursor> {
        if self.buffer.is_empty() {
            self.pager.cursor()
        } else {
            self.page_start
        }
    }

    /// True when every item was handed out.
    pub fn is_done(&self) -> bool {
        self.buffer.is_empty() && self.pager.request().is_none()
    }

    /// The pager (its cursor is past the buffered page).
    pub fn pager(&self) -> &P {
        &self.pager
    }

    /// A pager positioned at [`ItemStream::cursor`] (or a finished one).
    pub fn resume_pager(&self) -> P
    where
        P: Clone,
    {
        match self.cursor() {
            Some(c) => self.pager.resume(c),
            None => self.pager.clone(),
        }
    }
}

/// Walks `get_list` from a cursor to the last page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationPager {
    template: GetListRequest,
    cursor: GetListCursor,
    done: bool,
    /// Cursors already sent, sorted: a server that cycles is stopped, not
    /// followed. (A sorted list: one entry per page, and no hash table in the wasm.)
    seen: Vec<GetListCursor>,
    /// Non-final pages in a row that held no item.
    empty_run: u32,
}

/// Empty non-final pages in a row after which paging stops: a
/// server whose `CompleteFlag` never comes must not keep a client busy.
pub const MAX_EMPTY_PAGES: u32 = 3;

impl ConversationPager {
    /// Starts at `template.cursor` (absent = the first page).
    pub fn new(template: GetListRequest) -> Self {
        let cursor = template.cursor.unwrap_or_default();
        ConversationPager {
            template,
            cursor,
            done: false,
            seen: vec![cursor],
            empty_run: 0,
        }
    }

    /// The request for the next page, or `None` when the listing is complete.
    pub fn request(&self) -> Option<GetListRequest> {
        (!self.done).then(|| GetListRequest {
            cursor: Some(self.cursor),
            ..self.template.clone()
        })
    }

    /// Where the next page starts (save it to resume), `None` once complete.
    pub fn cursor(&self) -> Option<GetListCursor> {
        (!self.done).then_some(self.cursor)
    }

    /// True once the last page was taken.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// Takes the page answered to [`ConversationPager::request`].
    ///
    /// # Errors
    /// [`crate::ErrorKind::Pagination`] when the page is not the last and its
    /// cursor equals the one sent (neither stream advanced) or one sent
    /// before (a cycle), or after [`MAX_EMPTY_PAGES`] empty non-final pages
    /// in a row; the pager then stays where it was.
    pub fn advance(&mut self, page: &GetListPage) -> Result<(), Error> {
        if page.complete {
            self.done = true;
            return Ok(());
        }
        let stop = |why: &str| {
            Err(Error::pagination(
                "nextCursor",
                format!("get_list {why}; stopping instead of looping"),
            )
            .at("v4/recentcontact/get_list", None))
        };
        if page.next_cursor == self.cursor {
            return stop(
                "returned a page that is not the last (CompleteFlag 0) with the cursor it was sent",
            );
        }
        let Err(slot) = self.seen.binary_search(&page.next_cursor) else {
            return stop("returned a cursor it had returned before (the pages cycle)");
        };
        let empty_run = if page.items.is_empty() {
            self.empty_run + 1
        } else {
            0
        };
        if empty_run >= MAX_EMPTY_PAGES {
            return stop(&format!(
                "returned {empty_run} empty pages in a row without CompleteFlag 1"
            ));
        }
        self.empty_run = empty_run;
        self.cursor = page.next_cursor;
        self.seen.insert(slot, page.next_cursor);
        Ok(())
    }
}

impl Pager for ConversationPager {
    type Request = GetListRequest;
    type Page = GetListPage;
    type Item = Conversation;
    type Cursor = GetListCursor;
    fn request(&self) -> Option<GetListRequest> {
        ConversationPager::request(self)
    }
    fn advance(&mut self, page: &GetListPage) -> Result<(), Error> {
        ConversationPager::advance(self, page)
    }
    fn cursor(&self) -> Option<GetListCursor> {
        ConversationPager::cursor(self)
    }
    fn items(page: GetListPage) -> Vec<Conversation> {
        page.items
    }
    fn resume(&self, cursor: GetListCursor) -> Self {
        ConversationPager::new(GetListRequest {
            cursor: Some(cursor),
            ..self.template.clone()
        })
    }
}

/// Walks `get_contact_group` from an offset to the last page.
pub type ContactGroupPager = OffsetPager<ContactGroupListing>;

/// Walks `sns/friend_get` from an offset to the last page.
pub type FriendPager = OffsetPager<FriendListing>;

/// An offset-paged command (`StartIndex` in, `NextStartIndex` and
/// `CompleteFlag` out): how [`OffsetPager`] builds its requests and reads its pages.
pub trait OffsetListing {
    /// The request of one page.
    type Request: Command<Output = Self::Page> + Clone;
    /// One page.
    type Page;
    /// One item of a page.
    type Item;
    /// The request for the page at `start_index`.
    fn request(from_account: &str, start_index: u32) -> Self::Request;
    /// What `page` says about paging.
    fn step(page: &Self::Page) -> OffsetPage;
    /// The page's items.
    fn items(page: Self::Page) -> Vec<Self::Item>;
}

/// `get_contact_group`: conversations with marks or groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContactGroupListing;

impl OffsetListing for ContactGroupListing {
    type Request = GetContactGroupRequest;
    type Page = ContactGroupPage;
    type Item = ContactData;
    fn request(from_account: &str, start_index: u32) -> GetContactGroupRequest {
        GetContactGroupRequest {
            from_account: from_account.to_owned(),
            start_index: Some(start_index),
        }
    }
    fn step(page: &ContactGroupPage) -> OffsetPage {
        OffsetPage {
            complete: page.complete,
            empty: page.items.is_empty(),
            next_start_index: page.next_start_index,
        }
    }
    fn items(page: ContactGroupPage) -> Vec<ContactData> {
        page.items
    }
}

/// `sns/friend_get`: a user's friends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FriendListing;

impl OffsetListing for FriendListing {
    type Request = SnsFriendGetRequest;
    type Page = FriendPage;
    type Item = Friend;
    fn request(from_account: &str, start_index: u32) -> SnsFriendGetRequest {
        SnsFriendGetRequest {
            from_account: from_account.to_owned(),
            start_index: Some(start_index),
            ..SnsFriendGetRequest::default()
        }
    }
    fn step(page: &FriendPage) -> OffsetPage {
        OffsetPage {
            complete: page.complete,
            empty: page.friends.is_empty(),
            next_start_index: page.next_start_index,
        }
    }
    fn items(page: FriendPage) -> Vec<Friend> {
        page.friends
    }
}

/// Walks an offset-paged command ([`OffsetListing`]) from an offset to the last page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OffsetPager<L> {
    from_account: String,
    start_index: u32,
    done: bool,
    /// Non-final pages in a row that held no item.
    empty_run: u32,
    listing: std::marker::PhantomData<L>,
}

impl<L: OffsetListing> OffsetPager<L> {
    /// Starts at `start_index` (0 = the first page).
    pub fn new(from_account: impl Into<String>, start_index: u32) -> Self {
        OffsetPager {
            from_account: from_account.into(),
            start_index,
            done: false,
            empty_run: 0,
            listing: std::marker::PhantomData,
        }
    }

    /// The request for the next page, or `None` when complete.
    pub fn request(&self) -> Option<L::Request> {
        (!self.done).then(|| L::request(&self.from_account, self.start_index))
    }

    /// Where the next page starts (save it to resume), `None` once complete.
    pub fn cursor(&self) -> Option<u32> {
        (!self.done).then_some(self.start_index)
    }

    /// True once the last page was taken.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// Takes the page answered to [`OffsetPager::request`].
    ///
    /// # Errors
    /// [`crate::ErrorKind::Pagination`] when the page is not the last and
    /// `NextStartIndex` is missing or not past the offset sent, or after
    /// [`MAX_EMPTY_PAGES`] empty non-final pages in a row; the pager then
    /// stays where it was.
    pub fn advance(&mut self, page: &L::Page) -> Result<(), Error> {
        self.done = offset_step(
            L::Request::ENDPOINT,
            L::step(page),
            &mut self.start_index,
            &mut self.empty_run,
        )?;
        Ok(())
    }
}

impl<L: OffsetListing> Pager for OffsetPager<L> {
    type Request = L::Request;
    type Page = L::Page;
    type Item = L::Item;
    type Cursor = u32;
    fn request(&self) -> Option<L::Request> {
        OffsetPager::request(self)
    }
    fn advance(&mut self, page: &L::Page) -> Result<(), Error> {
        OffsetPager::advance(self, page)
    }
    fn cursor(&self) -> Option<u32> {
        OffsetPager::cursor(self)
    }
    fn items(page: L::Page) -> Vec<L::Item> {
        L::items(page)
    }
    fn resume(&self, cursor: u32) -> Self {
        OffsetPager::new(self.from_account.clone(), cursor)
    }
}

/// What an offset-paged answer says about paging.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OffsetPage {
    /// `CompleteFlag` 1: the last page.
    pub complete: bool,
    /// The page held no item.
    pub empty: bool,
    /// `NextStartIndex` as returned.
    pub next_start_index: Option<u32>,
}

/// Moves an offset pager past `page` of `endpoint`: `Ok(true)` on the last
/// page, else the offset advances. Not generic: one copy for every
/// offset-paged listing.
///
/// # Errors
/// As [`OffsetPager::advance`]; nothing moves then.
fn offset_step(
    endpoint: &'static str,
    page: OffsetPage,
    start_index: &mut u32,
    empty_run: &mut u32,
) -> Result<bool, Error> {
    if page.complete {
        return Ok(true);
    }
    let command = endpoint.rsplit('/').next().unwrap_or(endpoint);
    let run = if page.empty { *empty_run + 1 } else { 0 };
    if run >= MAX_EMPTY_PAGES {
        return Err(Error::pagination(
            "nextStartIndex",
            format!("{command} returned {run} empty pages in a row without CompleteFlag 1; stopping instead of looping"),
        )
        .at(endpoint, None));
    }
    match page.next_start_index {
        Some(next) if next > *start_index => {
            *start_index = next;
            *empty_run = run;
            Ok(false)
        }
        _ => Err(Error::pagination(
            "nextStartIndex",
            format!(
                "{command} returned a page that is not the last with NextStartIndex {:?} after StartIndex {}; stopping instead of looping",
                page.next_start_index, *start_index
            ),
        )
        .at(endpoint, None)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    fn page(complete: bool, ts: u32, si: u32, tts: u32, tsi: u32) -> GetListPage {
        GetListPage {
            items: vec![],
            complete,
            next_cursor: GetListCursor {
                time_stamp: ts,
                start_index: si,
                top_time_stamp: tts,
                top_start_index: tsi,
            },
        }
    }

    #[test]
    fn conversation_pager_follows_both_streams() {
        let mut p = ConversationPager::new(GetListRequest {
            from_account: "alice".into(),
            ..Default::default()
        });
        assert_eq!(p.request().unwrap().cursor, Some(GetListCursor::default()));
        // Only the pinned stream moves, then only the normal one.
        p.advance(&page(false, 0, 0, 900, 2)).unwrap();
        assert_eq!(p.cursor().unwrap().top_start_index, 2);
        p.advance(&page(false, 800, 1, 900, 2)).unwrap();
        let req = p.request().unwrap();
        assert_eq!(req.from_account, "alice");
        assert_eq!(req.cursor.unwrap().time_stamp, 800);
        // Stuck: same cursor, not complete.
        let err = p.advance(&page(false, 800, 1, 900, 2)).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Pagination);
        assert_eq!(err.field(), Some("nextCursor"));
        assert_eq!(p.cursor().unwrap().time_stamp, 800);
        // The last page may repeat the cursor.
        p.advance(&page(true, 800, 1, 900, 2)).unwrap();
        assert!(p.is_done() && p.request().is_none() && p.cursor().is_none());
    }

    #[test]
    fn conversation_pager_resumes_from_a_saved_cursor() {
        let saved = GetListCursor {
            time_stamp: 5,
            start_index: 1,
            top_time_stamp: 0,
            top_start_index: 0,
        };
        let p = ConversationPager::new(GetListRequest {
            from_account: "a".into(),
            cursor: Some(saved),
            ..Default::default()
        });
        assert_eq!(p.request().unwrap().cursor, Some(saved));
    }

    fn cg(complete: bool, next: Option<u32>) -> ContactGroupPage {
        ContactGroupPage {
            items: vec![],
            groups: vec![],
            complete,
            next_start_index: next,
            complete_time: None,
        }
    }

    #[test]
    fn item_stream_cursor_points_at_the_page_being_read() {
        let mut s = ItemStream::new(ContactGroupPager::new("a", 0));
        assert_eq!(s.next_request().unwrap().start_index, Some(0));
        let data = |id: &str| ContactData {
            conversation: crate::model::ConversationRef::c2c(id),
            standard_mark: String::new(),
            marks: crate::Marks::from_value(0),
            custom_mark: None,
            group_ids: vec![],
            timestamp: None,
        };
        let mut page = cg(false, Some(2));
        page.items = vec![data("x"), data("y")];
        s.push_page(page).unwrap();
        assert!(s.next_request().is_none());
        assert_eq!(s.cursor(), Some(0));
        assert!(s.pop().is_some());
        assert_eq!(s.cursor(), Some(0));
        assert!(s.pop().is_some());
        assert_eq!(s.cursor(), Some(2));
        assert!(s.pop().is_none());
        assert!(s.push_page(cg(false, Some(2))).is_err());
        assert_eq!(s.cursor(), Some(2));
        s.push_page(cg(true, None)).unwrap();
        assert!(s.is_done() && s.cursor().is_none());
    }

    #[test]
    fn conversation_pager_stops_on_cycles_and_endless_empty_pages() {
        let page = |ts: u32, n: usize| GetListPage {
            items: (0..n)
                .map(|i| Conversation {
                    conversation: crate::model::ConversationRef::c2c(format!("u{i}")),
                    msg_time: ts,
                    pinned: false,
                    standard_mark: None,
                    marks: crate::Marks::from_value(0),
                    custom_mark: None,
                    group_ids: vec![],
                })
                .collect(),
            complete: false,
            next_cursor: GetListCursor {
                time_stamp: ts,
                ..Default::default()
            },
        };
        let mut p = ConversationPager::new(GetListRequest {
            from_account: "a".into(),
            ..Default::default()
        });
        p.advance(&page(30, 2)).unwrap();
        p.advance(&page(20, 2)).unwrap();
        let e = p.advance(&page(30, 2)).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Pagination);
        assert!(e.message().contains("cycle"), "{e}");
        assert_eq!(p.cursor().unwrap().time_stamp, 20);

        let mut p = ConversationPager::new(GetListRequest {
            from_account: "a".into(),
            ..Default::default()
        });
        p.advance(&page(9, 0)).unwrap();
        p.advance(&page(8, 0)).unwrap();
        let e = p.advance(&page(7, 0)).unwrap_err();
        assert!(e.message().contains("empty pages"), "{e}");
        // A full page in between resets the count.
        let mut p = ConversationPager::new(GetListRequest {
            from_account: "a".into(),
            ..Default::default()
        });
        for (i, n) in [0, 0, 1, 0, 0, 1].into_iter().enumerate() {
            p.advance(&page(100 - i as u32, n)).unwrap();
        }
    }

    #[test]
    fn contact_group_pager_stops_on_endless_empty_pages() {
        let mut p = ContactGroupPager::new("a", 0);
        p.advance(&cg(false, Some(1))).unwrap();
        p.advance(&cg(false, Some(2))).unwrap();
        let e = p.advance(&cg(false, Some(3))).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Pagination);
        assert!(e.message().contains("empty pages"), "{e}");
        assert_eq!(p.cursor(), Some(2));
    }

    #[test]
    fn contact_group_pager() {
        let mut p = ContactGroupPager::new("a", 0);
        assert_eq!(p.request().unwrap().start_index, Some(0));
        p.advance(&cg(false, Some(100))).unwrap();
        assert_eq!(p.cursor(), Some(100));
        for bad in [None, Some(100), Some(50)] {
            let e = p.advance(&cg(false, bad)).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Pagination);
            assert_eq!(p.cursor(), Some(100));
        }
        p.advance(&cg(true, Some(0))).unwrap();
        assert!(p.request().is_none());
    }

    fn fp(complete: bool, next: Option<u32>, n: usize) -> FriendPage {
        FriendPage {
            friends: (0..n).map(|i| Friend::new(format!("f{i}"))).collect(),
            friend_count: 0,
            complete,
            next_start_index: next,
            standard_sequence: 0,
            custom_sequence: 0,
        }
    }

    #[test]
    fn friend_pager_walks_offsets_and_refuses_a_stuck_or_endless_server() {
        let mut p = FriendPager::new("a", 0);
        assert_eq!(p.request().unwrap().start_index, Some(0));
        p.advance(&fp(false, Some(2), 2)).unwrap();
        assert_eq!(p.request().unwrap().start_index, Some(2));
        for bad in [None, Some(2), Some(1)] {
            let e = p.advance(&fp(false, bad, 2)).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Pagination);
            assert_eq!(e.endpoint(), Some("v4/sns/friend_get"));
            assert!(e.message().starts_with("friend_get "), "{e}");
            assert_eq!(p.cursor(), Some(2));
        }
        p.advance(&fp(false, Some(3), 0)).unwrap();
        p.advance(&fp(false, Some(4), 0)).unwrap();
        let e = p.advance(&fp(false, Some(5), 0)).unwrap_err();
        assert!(e.message().contains("3 empty pages"), "{e}");
        assert_eq!(p.cursor(), Some(4));
        p.advance(&fp(true, Some(0), 1)).unwrap();
        assert!(p.request().is_none() && p.is_done());
        assert_eq!(p.resume(7).cursor(), Some(7));
    }
}
