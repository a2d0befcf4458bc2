//! Reading one line at a time, with a bound on its length.

use std::io;

use tokio::io::{AsyncBufRead, AsyncBufReadExt};

/// One line read from the client.
pub(crate) enum Line {
    /// A complete line, without its terminator.
    Message(Vec<u8>),
    /// A line longer than the limit; its bytes were skipped.
    TooLong,
}

/// Reads the next line of at most `limit` bytes (the terminator aside);
/// `None` at the end of the stream. A longer line is consumed to its end and
/// reported as [`Line::TooLong`] without holding more than `limit` bytes.
pub(crate) async fn next_line<R: AsyncBufRead + Unpin>(
    reader: &mut R,
    limit: usize,
) -> io::Result<Option<Line>> {
    let mut line = Vec::new();
    let mut too_long = false;
    loop {
        let available = reader.fill_buf().await?;
        if available.is_empty() {
            return Ok(match (line.is_empty(), too_long) {
                (_, true) => Some(Line::TooLong),
                (true, false) => None,
                (false, false) => Some(Line::Message(line)),
            });
        }
        let (chunk, ends_line) = match available.iter().position(|&b| b == b'\n') {
            Some(end) => (&available[..end], true),
            None => (available, false),
        };
        if !too_long {
            if line.len() + chunk.len() > limit {
                too_long = true;
                line = Vec::new();
            } else {
                line.extend_from_slice(chunk);
            }
        }
        let consumed = chunk.len() + usize::from(ends_line);
        reader.consume(consumed);
        if ends_line {
            if too_long {
                return Ok(Some(Line::TooLong));
            }
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            return Ok(Some(Line::Message(line)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn lines(input: &[u8], limit: usize) -> Vec<Option<Vec<u8>>> {
        let mut reader = tokio::io::BufReader::with_capacity(4, input);
        let mut out = Vec::new();
        while let Some(line) = next_line(&mut reader, limit).await.unwrap() {
            out.push(match line {
                Line::Message(bytes) => Some(bytes),
                Line::TooLong => None,
            });
        }
        out
    }

    #[tokio::test]
    async fn splits_on_newlines_across_buffer_boundaries() {
        let got = lines(b"{\"a\":1}\r\n{\"bb\":22}\nlast", 64).await;
        assert_eq!(
            got,
            vec![
                Some(b"{\"a\":1}".to_vec()),
                Some(b"{\"bb\":22}".to_vec()),
                Some(b"last".to_vec())
            ]
        );
    }

    #[tokio::test]
    async fn a_long_line_is_skipped_and_reading_goes_on() {
        let got = lines(b"0123456789abcdef\nok\n0123456789", 8).await;
        assert_eq!(got, vec![None, Some(b"ok".to_vec()), None]);
    }
}
