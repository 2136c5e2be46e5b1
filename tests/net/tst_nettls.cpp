// The connection engine over TLS to the demo server (TLS and plain TCP on one port, as q -E 1),
// with a self-signed certificate made at test time by the openssl command line (Qt cannot make
// certificates). Verification is on by default and refuses it, naming the problem; trusting
// that certificate's SHA-256 fingerprint on one connection lets that connection in; any other
// fingerprint is still refused.

#include "enginetestutil.h"

#include "net/connectionargs.h"

#include <QCryptographicHash>
#include <QFile>
#include <QProcess>
#include <QSslCertificate>
#include <QSslSocket>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

using namespace qscope;
using namespace qscope::test;

namespace {

/// A self-signed EC (P-256) certificate for localhost and 127.0.0.1, valid for a day.
bool makeSelfSigned(const QString &cert, const QString &key, const QString &commonName,
                    QString *error)
{
    const QString openssl = QStandardPaths::findExecutable(QStringLiteral("openssl"));
    if (openssl.isEmpty()) {
        *error = QStringLiteral("the openssl command is not installed (Debian package openssl)");
        return false;
    }
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(openssl, {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                      QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
                      QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes"),
                      QStringLiteral("-keyout"), key, QStringLiteral("-out"), cert,
                      QStringLiteral("-days"), QStringLiteral("1"), QStringLiteral("-subj"),
                      QStringLiteral("/CN=") + commonName, QStringLiteral("-addext"),
                      QStringLiteral("subjectAltName=DNS:localhost,IP:127.0.0.1")});
    if (!p.waitForFinished(60000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        *error = QStringLiteral("openssl req failed: ") + QString::fromLocal8Bit(p.readAll());
        return false;
    }
    return true;
}

QByteArray sha256Of(const QString &certFile)
{
    QFile f(certFile);
    if (!f.open(QIODevice::ReadOnly)) return {};
    const QList<QSslCertificate> certs = QSslCertificate::fromData(f.readAll(), QSsl::Pem);
    return certs.isEmpty() ? QByteArray() : certs.first().digest(QCryptographicHash::Sha256);
}

ConnectionOptions tlsTo(quint16 port)
{
    ConnectionOptions o = tcpTo(port, QStringLiteral("localhost"));
    o.address.tls = true;
    o.name = QStringLiteral("tls");
    return o;
}

} // namespace

class TestNetTls : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void verificationRefusesSelfSigned();
    void trustedFingerprintConnects();
    void otherFingerprintRefused();
    void plainTcpOnTheSamePort();
    void trustFromCommandLineArguments();
    void cleanupTestCase();

private:
    QTemporaryDir m_dir;
    QString m_cert, m_key, m_otherCert;
    QByteArray m_sha256, m_otherSha256;
    std::unique_ptr<DemoServer> m_server;
};

void TestNetTls::initTestCase()
{
    QVERIFY2(QSslSocket::supportsSsl(), "Qt has no TLS backend (OpenSSL 3 is needed)");
    QVERIFY(m_dir.isValid());
    m_cert = m_dir.filePath(QStringLiteral("cert.pem"));
    m_key = m_dir.filePath(QStringLiteral("key.pem"));
    m_otherCert = m_dir.filePath(QStringLiteral("other.pem"));
    QString err;
    QVERIFY2(makeSelfSigned(m_cert, m_key, QStringLiteral("localhost"), &err), qPrintable(err));
    QVERIFY2(makeSelfSigned(m_otherCert, m_dir.filePath(QStringLiteral("other.key")),
                            QStringLiteral("localhost"), &err),
             qPrintable(err));
    m_sha256 = sha256Of(m_cert);
    m_otherSha256 = sha256Of(m_otherCert);
    QCOMPARE(m_sha256.size(), 32);
    QCOMPARE(m_otherSha256.size(), 32);
    QVERIFY(m_sha256 != m_otherSha256);

    m_server = std::make_unique<DemoServer>();
    DemoOptions o = quietDemo();
    o.tlsCert = m_cert;
    o.tlsKey = m_key;
    QVERIFY2(m_server->start(o, &err), qPrintable(err));
}

void TestNetTls::cleanupTestCase()
{
    m_server.reset();
}

void TestNetTls::verificationRefusesSelfSigned()
{
    ConnectionManager m;
    EngineRecorder rec(m);
    ConnectionOptions o = tlsTo(m_server->port());
    o.reconnect.attempts = 3; // a TLS refusal is final: never retried
    o.reconnect.initialDelayMs = 10;
    const ConnectionId id = m.open(o);
    QSCOPE_AWAIT(r, rec, m.query(id, "1+1"));
    QVERIFY(r.error);
    QVERIFY2(r.error->kind == NetError::Tls, describe(r).constData());
    // The message names the certificate problem, in the words of the TLS library.
    QVERIFY2(r.error->message.contains(QStringLiteral("self-signed"), Qt::CaseInsensitive),
             qPrintable(r.error->message));
    QVERIFY2(r.error->message.contains(QStringLiteral("TLS")), qPrintable(r.error->message));
    QTRY_COMPARE_WITH_TIMEOUT(m.state(id), ConnectionState::Failed, kWaitMs);
    QVERIFY(!rec.reached(id, ConnectionState::Open));
    QVERIFY(!rec.reached(id, ConnectionState::Reconnecting));
    QVERIFY2(rec.lastDetail(id).contains(QStringLiteral("self-signed"), Qt::CaseInsensitive),
             qPrintable(rec.lastDetail(id)));
}

void TestNetTls::trustedFingerprintConnects()
{
    ConnectionManager m;
    EngineRecorder rec(m);
    // As hex text (what a user pastes) and as the 32 raw bytes.
    ConnectionOptions hex = tlsTo(m_server->port());
    hex.address.trustedCertSha256 = m_sha256.toHex();
    ConnectionOptions raw = tlsTo(m_server->port());
    raw.address.trustedCertSha256 = m_sha256;
    const ConnectionId a = m.open(hex);
    const ConnectionId b = m.open(raw);
    QSCOPE_AWAIT(ra, rec, m.query(a, "1+1"));
    QCOMPARE(describe(ra), QByteArray("ok: 2"));
    QSCOPE_AWAIT(rb, rec, m.query(b, "til 3"));
    QCOMPARE(describe(rb), QByteArray("ok: 0 1 2"));
    // Queries keep working over TLS: a function call, a q error, and a large result.
    QSCOPE_AWAIT(
        call, rec,
        m.call(a, Value::list({Value::string("{x*y}"), Value::longAtom(6), Value::longAtom(7)})));
    QCOMPARE(describe(call), QByteArray("ok: 42"));
    QSCOPE_AWAIT(qerr, rec, m.query(a, "1+`a"));
    QVERIFY(qerr.error);
    QCOMPARE(qerr.error->kind, NetError::QError);
    QCOMPARE(qerr.error->message, QStringLiteral("type"));
    QSCOPE_AWAIT(big, rec, m.query(b, "til 200000"));
    QVERIFY2(big.ok(), describe(big).constData());
    QCOMPARE(big.value.count(), int64_t(200000));
    QCOMPARE(big.value.at<int64_t>(199999), int64_t(199999));
    QTRY_VERIFY_WITH_TIMEOUT(m.registry()->rowOf(a) >= 0, kWaitMs);
    QCOMPARE(m.registry()->at(m.registry()->rowOf(a)).transport, QStringLiteral("tls"));
    // The trust is per connection: another connection on the same manager, without it, is
    // still refused.
    const ConnectionId plainTrust = m.open(tlsTo(m_server->port()));
    QSCOPE_AWAIT(refused, rec, m.query(plainTrust, "1+1"));
    QVERIFY(refused.error);
    QCOMPARE(refused.error->kind, NetError::Tls);
    // And the trusted one is unaffected.
    QSCOPE_AWAIT(still, rec, m.query(a, "2+2"));
    QCOMPARE(describe(still), QByteArray("ok: 4"));
}

void TestNetTls::otherFingerprintRefused()
{
    ConnectionManager m;
    EngineRecorder rec(m);
    // The fingerprint of another self-signed certificate for the same name ...
    ConnectionOptions other = tlsTo(m_server->port());
    other.address.trustedCertSha256 = m_otherSha256.toHex();
    const ConnectionId a = m.open(other);
    // ... and the right one with one bit flipped.
    QByteArray flipped = m_sha256;
    flipped[31] = char(flipped[31] ^ 1);
    ConnectionOptions nearly = tlsTo(m_server->port());
    nearly.address.trustedCertSha256 = flipped;
    const ConnectionId b = m.open(nearly);
    QSCOPE_AWAIT(ra, rec, m.query(a, "1+1"));
    QSCOPE_AWAIT(rb, rec, m.query(b, "1+1"));
    for (const QueryResult &r : {ra, rb}) {
        QVERIFY(r.error);
        QCOMPARE(r.error->kind, NetError::Tls);
        QVERIFY2(r.error->message.contains(QStringLiteral("self-signed"), Qt::CaseInsensitive),
                 qPrintable(r.error->message));
    }
    QTRY_COMPARE_WITH_TIMEOUT(m.state(a), ConnectionState::Failed, kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(m.state(b), ConnectionState::Failed, kWaitMs);
    QVERIFY(!rec.reached(a, ConnectionState::Open));
    QVERIFY(!rec.reached(b, ConnectionState::Open));
}

void TestNetTls::plainTcpOnTheSamePort()
{
    ConnectionManager m;
    EngineRecorder rec(m);
    const ConnectionId id = m.open(tcpTo(m_server->port()));
    QSCOPE_AWAIT(r, rec, m.query(id, "1+1"));
    QCOMPARE(describe(r), QByteArray("ok: 2"));
    QTRY_VERIFY_WITH_TIMEOUT(m.registry()->rowOf(id) >= 0, kWaitMs);
    QCOMPARE(m.registry()->at(m.registry()->rowOf(id)).transport, QStringLiteral("tcp"));
}

void TestNetTls::trustFromCommandLineArguments()
{
    // qscope-cli's --tls --trust SHA256 end up as the same per-connection trust.
    ConnectionArgs args;
    QCommandLineParser parser;
    parser.addOptions(ConnectionArgs::options());
    QVERIFY2(parser.parse({QStringLiteral("qscope-cli"), QStringLiteral("--tls"),
                           QStringLiteral("--trust"), QString::fromLatin1(m_sha256.toHex())}),
             qPrintable(parser.errorText()));
    QString err;
    QVERIFY2(args.read(parser, &err), qPrintable(err));
    auto o = args.connectionOptions(QStringLiteral("localhost:%1").arg(m_server->port()), &err);
    QVERIFY2(o, qPrintable(err));
    QVERIFY(o->address.tls);
    ConnectionManager m;
    EngineRecorder rec(m);
    const ConnectionId id = m.open(*o);
    QSCOPE_AWAIT(r, rec, m.query(id, ".z.K"));
    QVERIFY2(r.ok(), describe(r).constData());
    QCOMPARE(r.value.type(), -int(Float));
}

QTEST_GUILESS_MAIN(TestNetTls)
#include "tst_nettls.moc"
