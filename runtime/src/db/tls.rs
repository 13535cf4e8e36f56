//! TLS for PostgreSQL, in pure Rust: rustls (with the `ring` provider)
//! through `tokio-postgres-rustls`, with libpq's `sslmode` semantics.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};

use crate::error::{Error, Result};

/// How a PostgreSQL connection uses TLS: libpq's `sslmode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum SslMode {
    /// Never TLS.
    Disable,
    /// TLS when the server offers it, without checking its certificate;
    /// plain otherwise (the default, as libpq's).
    #[default]
    Prefer,
    /// TLS or no connection; the certificate is checked only when a root
    /// certificate is given (then as `VerifyCa`).
    Require,
    /// TLS with a certificate signed by a trusted authority (the
    /// `sslrootcert` file, else the public ones), whatever host name it names.
    VerifyCa,
    /// As `VerifyCa`, and the certificate must name the host connected to.
    VerifyFull,
}

impl SslMode {
    pub(crate) fn parse(text: &str) -> Option<SslMode> {
        Some(match text {
            "disable" => SslMode::Disable,
            "prefer" | "allow" => SslMode::Prefer,
            "require" => SslMode::Require,
            "verify-ca" => SslMode::VerifyCa,
            "verify-full" => SslMode::VerifyFull,
            _ => return None,
        })
    }

    /// The name libpq gives it.
    pub fn as_str(self) -> &'static str {
        match self {
            SslMode::Disable => "disable",
            SslMode::Prefer => "prefer",
            SslMode::Require => "require",
            SslMode::VerifyCa => "verify-ca",
            SslMode::VerifyFull => "verify-full",
        }
    }
}

impl fmt::Display for SslMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The TLS settings of one PostgreSQL database.
#[derive(Debug, Clone, Default)]
pub(crate) struct TlsOptions {
    pub(crate) mode: SslMode,
    /// `sslrootcert`: a PEM file, or `system` for the public authorities.
    pub(crate) root_cert: Option<PathBuf>,
    pub(crate) client_cert: Option<PathBuf>,
    pub(crate) client_key: Option<PathBuf>,
}

/// What the connector checks of the server's certificate.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Check {
    Nothing,
    Authority,
    AuthorityAndName,
}

impl TlsOptions {
    fn root_file(&self) -> Option<&Path> {
        self.root_cert
            .as_deref()
            .filter(|path| path.as_os_str() != "system")
    }

    fn check(&self) -> Check {
        match self.mode {
            SslMode::Disable | SslMode::Prefer => Check::Nothing,
            SslMode::Require if self.root_file().is_some() => Check::Authority,
            SslMode::Require => Check::Nothing,
            SslMode::VerifyCa => Check::Authority,
            SslMode::VerifyFull => Check::AuthorityAndName,
        }
    }

    /// The driver's mode: verification is the connector's business.
    pub(crate) fn driver_mode(&self) -> postgres::config::SslMode {
        match self.mode {
            SslMode::Disable => postgres::config::SslMode::Disable,
            SslMode::Prefer => postgres::config::SslMode::Prefer,
            _ => postgres::config::SslMode::Require,
        }
    }

    pub(crate) fn validate(&self) -> Result<()> {
        if self.client_cert.is_some() != self.client_key.is_some() {
            return Err(Error::connection(
                "a client certificate needs both sslcert and sslkey",
                None,
            ));
        }
        Ok(())
    }

    /// The rustls configuration these settings ask for; `None` for `disable`.
    pub(crate) fn client_config(&self) -> Result<Option<Arc<ClientConfig>>> {
        if self.mode == SslMode::Disable {
            return Ok(None);
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = ClientConfig::builder_with_provider(Arc::clone(&provider))
            .with_safe_default_protocol_versions()
            .map_err(|error| tls_setup_error("cannot set TLS up", error))?;
        let check = self.check();
        let verifier: Arc<dyn ServerCertVerifier> = match check {
            Check::Nothing => Arc::new(AcceptAnyCertificate(provider)),
            Check::Authority | Check::AuthorityAndName => {
                let roots = self.root_store()?;
                let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider)
                    .build()
                    .map_err(|error| {
                        Error::connection(
                            format!("cannot use the root certificates: {error}"),
                            Some(Box::new(error)),
                        )
                    })?;
                Arc::new(Verify {
                    webpki,
                    check_name: check == Check::AuthorityAndName,
                })
            }
        };
        let builder = builder
            .dangerous()
            .with_custom_certificate_verifier(verifier);
        let config = match (&self.client_cert, &self.client_key) {
            (Some(cert), Some(key)) => {
                let chain = read_certificates(cert, "sslcert")?;
                let key = PrivateKeyDer::from_pem_file(key).map_err(|error| {
                    Error::connection(
                        format!(
                            "cannot read the client key sslkey=`{}`: {error} (expected a PEM private key)",
                            key.display()
                        ),
                        None,
                    )
                })?;
                builder
                    .with_client_auth_cert(chain, key)
                    .map_err(|error| tls_setup_error("cannot use the client certificate", error))?
            }
            _ => builder.with_no_client_auth(),
        };
        Ok(Some(Arc::new(config)))
    }

    fn root_store(&self) -> Result<RootCertStore> {
        let mut roots = RootCertStore::empty();
        match self.root_file() {
            Some(path) => {
                let certificates = read_certificates(path, "sslrootcert")?;
                let (added, _) = roots.add_parsable_certificates(certificates);
                if added == 0 {
                    return Err(Error::connection(
                        format!(
                            "sslrootcert=`{}` holds no usable certificate",
                            path.display()
                        ),
                        None,
                    ));
                }
            }
            None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
        }
        Ok(roots)
    }
}

fn read_certificates(path: &Path, setting: &str) -> Result<Vec<CertificateDer<'static>>> {
    let fail = |reason: String| {
        Error::connection(
            format!("cannot read {setting}=`{}`: {reason}", path.display()),
            None,
        )
    };
    let certificates = CertificateDer::pem_file_iter(path)
        .map_err(|error| fail(error.to_string()))?
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|error| fail(error.to_string()))?;
    if certificates.is_empty() {
        return Err(fail("it holds no PEM certificate".into()));
    }
    Ok(certificates)
}

fn tls_setup_error(what: &str, error: rustls::Error) -> Error {
    Error::connection(format!("{what}: {error}"), Some(Box::new(error)))
}

/// `require` and `prefer` without a root certificate: encryption without
/// authentication, as libpq.
#[derive(Debug)]
struct AcceptAnyCertificate(Arc<rustls::crypto::CryptoProvider>);

impl ServerCertVerifier for AcceptAnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// `verify-ca` (the chain only) and `verify-full` (the chain and the name).
#[derive(Debug)]
struct Verify {
    webpki: Arc<WebPkiServerVerifier>,
    check_name: bool,
}

impl ServerCertVerifier for Verify {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        match self.webpki.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        ) {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) if !self.check_name => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.webpki.supported_verify_schemes()
    }
}

/// What a TLS failure found in a connection error's causes means, in words
/// a user can act on; `None` when the error is not about TLS.
pub(crate) fn explain(error: &(dyn std::error::Error + 'static), mode: SslMode) -> Option<String> {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(current) = cause {
        let rustls_error = current.downcast_ref::<rustls::Error>().or_else(|| {
            current
                .downcast_ref::<std::io::Error>()
                .and_then(|io| io.get_ref())
                .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        });
        if let Some(rustls_error) = rustls_error {
            return Some(match rustls_error {
                rustls::Error::InvalidCertificate(
                    CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
                ) => format!(
                    "the server's TLS certificate does not name the host connected to (sslmode={mode}): \
                     connect with the host name the certificate names, or use sslmode=verify-ca"
                ),
                rustls::Error::InvalidCertificate(
                    CertificateError::UnknownIssuer | CertificateError::BadSignature,
                ) => format!(
                    "the server's TLS certificate is not trusted (sslmode={mode}): \
                     give the authority that signed it with sslrootcert=/path/to/root.crt"
                ),
                rustls::Error::InvalidCertificate(
                    CertificateError::Expired | CertificateError::ExpiredContext { .. },
                ) => "the server's TLS certificate has expired".to_owned(),
                other => format!("TLS failed (sslmode={mode}): {other}"),
            });
        }
        let text = current.to_string();
        if text.contains("server does not support TLS") {
            return Some(format!(
                "the server does not offer TLS, which sslmode={mode} requires: \
                 switch TLS on on the server (ssl = on) or use sslmode=prefer"
            ));
        }
        cause = current.source();
    }
    None
}
