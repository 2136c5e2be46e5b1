#pragma once
/// What the engine says about a TLS certificate, in one place: the text a refusal carries (the
/// certificate's SHA-256 and subject, so a person can decide to trust it), reading that back
/// (for a trust-on-first-use prompt), and a connection's own CA file. Network thread or any.

#include <QByteArray>
#include <QString>

#include <optional>

class QSslCertificate;
class QSslSocket;

namespace qscope {

/// The certificate a TLS refusal named.
struct RefusedCertificate
{
    QByteArray sha256; ///< raw 32 bytes
    QString subject;   ///< e.g. "CN=tick1.example, O=Example"
};

/// " [certificate SHA-256 AB:CD:...:EF, subject CN=...]": what a refusal appends to its reason.
QString describeRefusedCertificate(const QSslCertificate &certificate);
/// The certificate a refusal's reason names (describeRefusedCertificate), if any.
std::optional<RefusedCertificate> refusedCertificateIn(const QString &reason);
/// "AB:CD:...": a SHA-256 as people compare it.
QString colonHex(const QByteArray &digest);
/// Adds the CA certificates of a PEM (or DER) file to the socket's configuration. Returns an
/// error text ("TLS: CA file ...: ..."), empty on success or when path is empty.
QString addCaFile(QSslSocket *socket, const QString &path);

} // namespace qscope
