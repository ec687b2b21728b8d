//! FacturaScripts (`api/3`) adapter: a typed client, lenient records, the conversion to
//! [`mm_core::InvoiceSnapshot`] and a request-frugal invoice [`Poller`].
//!
//! The contract this follows is `shared/fixtures/facturascripts/CONTRACT.md`. The traps it
//! guards against: boolean filters sent as `true` (MariaDB reads them as 0), garbage date
//! filters widening a scan, SQL errors answered as `200 []`, and the IP ban after five
//! refused requests (401/403 are never retried; a 429 means "back off at least 10 minutes").

pub mod client;
pub mod error;
pub mod filter;
pub mod poller;
pub mod records;
pub mod snapshot;

pub use client::{ApiRequest, FsClient, FsClientConfig, Method, Page, RawResponse};
pub use error::{ErrorKind, FsError, Result};
pub use filter::{Filter, FilterValue, ListQuery, Op, SortDir};
pub use mm_net::{CircuitBreaker, RetryPolicy, SecretString};
pub use poller::{PollCursor, Poller, PollerConfig, TickOutput};
pub use records::{
    Cliente, Contacto, EstadoDocumento, FacturaCliente, LineaFacturaCliente, Producto, ReciboCliente, Variante,
    decode_html, encode_html,
};
pub use snapshot::{to_snapshot, to_snapshot_with_receipts};
