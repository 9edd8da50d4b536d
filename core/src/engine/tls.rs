//! rustls client configuration from a profile's TLS options (ring provider):
//! trusted roots (CA file or the system's), mutual TLS, ALPN, and the
//! explicitly named insecure mode.

use std::path::Path;
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};

use crate::engine::failure::ConnectionFailure;
use crate::profile::TlsOptions;

fn tls_error(message: String) -> ConnectionFailure {
    ConnectionFailure::Tls(message)
}

fn read_certificates(path: &Path, what: &str) -> Result<Vec<CertificateDer<'static>>, ConnectionFailure> {
    let certificates: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
        .map_err(|error| tls_error(format!("cannot read {what} {}: {error}", path.display())))?
        .collect::<Result<_, _>>()
        .map_err(|error| tls_error(format!("bad PEM in {what} {}: {error}", path.display())))?;
    if certificates.is_empty() {
        return Err(tls_error(format!("no certificates in {what} {}", path.display())));
    }
    Ok(certificates)
}

fn root_store(options: &TlsOptions) -> Result<rustls::RootCertStore, ConnectionFailure> {
    let mut roots = rustls::RootCertStore::empty();
    match &options.ca_file {
        Some(path) => {
            for certificate in read_certificates(path, "CA file")? {
                roots.add(certificate).map_err(|error| tls_error(format!("unusable CA certificate: {error}")))?;
            }
        }
        None => {
            for certificate in rustls_native_certs::load_native_certs().certs {
                // One unparsable system certificate must not block TLS.
                let _ = roots.add(certificate);
            }
            if roots.is_empty() {
                return Err(tls_error("no trusted root certificates found on this system; choose a CA file".into()));
            }
        }
    }
    Ok(roots)
}

/// Builds the rustls configuration for a connection.
pub fn client_config(options: &TlsOptions) -> Result<Arc<rustls::ClientConfig>, ConnectionFailure> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|error| tls_error(error.to_string()))?;
    let builder = if options.dangerously_accept_invalid_certificates {
        builder.dangerous().with_custom_certificate_verifier(Arc::new(AcceptAnyServerCertificate { provider }))
    } else if let Some(name) = options.server_name.as_deref().filter(|name| !name.trim().is_empty()) {
        let expected = ServerName::try_from(name.trim().to_owned())
            .map_err(|error| tls_error(format!("server name override '{name}' is not a valid name: {error}")))?;
        let inner =
            rustls::client::WebPkiServerVerifier::builder_with_provider(Arc::new(root_store(options)?), provider)
                .build()
                .map_err(|error| tls_error(error.to_string()))?;
        builder.dangerous().with_custom_certificate_verifier(Arc::new(VerifyForName { inner, expected }))
    } else {
        builder.with_root_certificates(root_store(options)?)
    };
    let mut config = match (&options.client_certificate_file, &options.client_key_file) {
        (Some(certificate), Some(key)) => {
            let chain = read_certificates(certificate, "client certificate file")?;
            let key = PrivateKeyDer::from_pem_file(key)
                .map_err(|error| tls_error(format!("cannot read client key file {}: {error}", key.display())))?;
            builder
                .with_client_auth_cert(chain, key)
                .map_err(|error| tls_error(format!("client certificate and key do not work together: {error}")))?
        }
        _ => builder.with_no_client_auth(),
    };
    config.alpn_protocols = options.alpn_protocols.iter().map(|protocol| protocol.as_bytes().to_vec()).collect();
    config.key_log = super::tls_key_log::key_log(options)?;
    Ok(Arc::new(config))
}

/// Full WebPKI verification, but of the certificate against the profile's
/// server-name override instead of the host connected to.
#[derive(Debug)]
struct VerifyForName {
    inner: Arc<rustls::client::WebPkiServerVerifier>,
    expected: ServerName<'static>,
}

impl ServerCertVerifier for VerifyForName {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        self.inner.verify_server_cert(end_entity, intermediates, &self.expected, ocsp_response, now)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        certificate: &CertificateDer<'_>,
        signature: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, certificate, signature)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        certificate: &CertificateDer<'_>,
        signature: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, certificate, signature)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// Accepts any server certificate and name, but still checks that the
/// handshake signatures are valid, so the session keys are real; only the
/// identity of the server is not verified. Used only when the profile says
/// `dangerously_accept_invalid_certificates`.
#[derive(Debug)]
struct AcceptAnyServerCertificate {
    provider: Arc<rustls::crypto::CryptoProvider>,
}

impl ServerCertVerifier for AcceptAnyServerCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        certificate: &CertificateDer<'_>,
        signature: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            certificate,
            signature,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        certificate: &CertificateDer<'_>,
        signature: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            certificate,
            signature,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider.signature_verification_algorithms.supported_schemes()
    }
}
