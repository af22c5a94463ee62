//! A sink whose writes must make headway in time: a client that stops reading fills its
//! socket, and every later write would wait forever with the connection still counted.

use futures_util::Sink;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::time::Sleep;

/// Wraps a sink: once one readiness, flush or close has waited `limit`, it fails, and so
/// does everything after it.
pub(crate) struct WriteDeadline<S> {
    inner: S,
    limit: Duration,
    /// Allocated the first time a write has to wait and reused after (re-armed, not
    /// re-made: a busy connection waits often); boxed so idle connections stay small.
    timer: Option<Pin<Box<Sleep>>>,
    /// Whether `timer` runs for the current wait.
    armed: bool,
    expired: bool,
}

/// Why a write failed.
#[derive(Debug)]
pub(crate) enum WriteError<E> {
    /// The sink's own error.
    Sink(E),
    /// The peer took nothing for the whole limit.
    TimedOut,
}

impl<S> WriteDeadline<S> {
    pub(crate) fn new(inner: S, limit: Duration) -> Self {
        WriteDeadline { inner, limit, timer: None, armed: false, expired: false }
    }

    /// Whether a write ran out of time (the peer stopped reading).
    pub(crate) fn expired(&self) -> bool {
        self.expired
    }

    fn watch<E>(&mut self, cx: &mut Context<'_>, poll: impl FnOnce(Pin<&mut S>, &mut Context<'_>) -> Poll<Result<(), E>>) -> Poll<Result<(), WriteError<E>>>
    where
        S: Unpin,
    {
        if self.expired {
            return Poll::Ready(Err(WriteError::TimedOut));
        }
        match poll(Pin::new(&mut self.inner), cx) {
            Poll::Ready(result) => {
                self.armed = false;
                Poll::Ready(result.map_err(WriteError::Sink))
            }
            Poll::Pending => {
                let deadline = tokio::time::Instant::now() + self.limit;
                let timer = match (&mut self.timer, self.armed) {
                    (Some(timer), true) => timer,
                    (Some(timer), false) => {
                        timer.as_mut().reset(deadline);
                        timer
                    }
                    (slot @ None, _) => slot.insert(Box::pin(tokio::time::sleep_until(deadline))),
                };
                self.armed = true;
                if timer.as_mut().poll(cx).is_ready() {
                    self.expired = true;
                    self.timer = None;
                    return Poll::Ready(Err(WriteError::TimedOut));
                }
                Poll::Pending
            }
        }
    }
}

impl<S: Sink<M> + Unpin, M> Sink<M> for WriteDeadline<S> {
    type Error = WriteError<S::Error>;

    fn poll_ready(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.get_mut().watch(cx, |inner, cx| inner.poll_ready(cx))
    }

    fn start_send(self: Pin<&mut Self>, item: M) -> Result<(), Self::Error> {
        let this = self.get_mut();
        if this.expired {
            return Err(WriteError::TimedOut);
        }
        // The wait that made it ready is over (even if its caller gave up on it).
        this.armed = false;
        Pin::new(&mut this.inner).start_send(item).map_err(WriteError::Sink)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.get_mut().watch(cx, |inner, cx| inner.poll_flush(cx))
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.get_mut().watch(cx, |inner, cx| inner.poll_close(cx))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::SinkExt;
    use futures_channel::mpsc;

    #[tokio::test(start_paused = true)]
    async fn a_write_nobody_takes_fails_after_the_limit_and_so_does_every_later_one() {
        // A channel nobody reads with room for one item beyond the sender's own slot:
        // the second send cannot flush.
        let (tx, _rx) = mpsc::channel::<u8>(1);
        let mut sink = WriteDeadline::new(tx, Duration::from_secs(5));
        sink.send(1).await.unwrap();
        let started = tokio::time::Instant::now();
        assert!(matches!(sink.send(2).await, Err(WriteError::TimedOut)));
        assert_eq!(started.elapsed(), Duration::from_secs(5));
        assert!(sink.expired());
        assert!(matches!(sink.close().await, Err(WriteError::TimedOut)), "closing does not wait again");
    }

    #[tokio::test(start_paused = true)]
    async fn writes_the_reader_takes_in_time_go_through() {
        let (tx, mut rx) = mpsc::channel::<u8>(0);
        let mut sink = WriteDeadline::new(tx, Duration::from_secs(5));
        let reader = tokio::spawn(async move {
            let mut got = Vec::new();
            while let Some(item) = futures_util::StreamExt::next(&mut rx).await {
                tokio::time::sleep(Duration::from_secs(4)).await; // slow, but within the limit
                got.push(item);
            }
            got
        });
        for item in 0..4 {
            sink.send(item).await.unwrap();
        }
        drop(sink);
        assert_eq!(reader.await.unwrap(), vec![0, 1, 2, 3]);
    }
}
