#pragma once

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QString>

#include <memory>

namespace qscope {

/// Options of the demo server, mirroring q's command line where q has one (-p, -u, -t, -E).
struct DemoOptions
{
    quint16 port = 5010;     // 0 = any free port (then read port())
    QString bindAddress;     // empty = all interfaces
    bool unixSocket = true;  // also listen on the abstract socket @/tmp/kx.PORT, as kdb+
    QString usersFile;       // like q -u: user:password lines (plain, md5 or sha1 forms)
    QString tlsCert, tlsKey; // TLS and plain on one port (like -E 1) when both set
    bool feed = true;        // built-in feed publishing trade and quote
    int feedRowsPerSecond = 200;
    int feedBatch = 10;
    QList<QByteArray> syms;   // empty = defaults
    int tickMs = 0;           // like -t: 0 = zero-latency publish, else timer batching
    int endOfDaySeconds = 0;  // simulated .u.end every N seconds (0 = only at midnight)
    QString tplogDir;         // tickerplant log directory; empty = a temporary one, removed on stop
    int socketSendBuffer = 0; // SO_SNDBUF of accepted TCP sockets (0 = the kernel's)
    bool tickerplant = true;  // false: no .u names, tables or log (an RDB, engine or gateway)
};

namespace detail {
class DemoServerPrivate;
}

/// A q-protocol server with a tickerplant. Runs on its own thread(s); start() returns once
/// listening. Every query runs on one interpreter thread (q is single-threaded); sockets live on
/// a network thread created by start().
class DemoServer : public QObject
{
    Q_OBJECT
public:
    explicit DemoServer(QObject *parent = nullptr);
    ~DemoServer() override; // stops and joins

    // owner's thread
    bool start(const DemoOptions &options, QString *error = nullptr);
    void stop();
    quint16 port() const;
    /// Run q source on the server's interpreter thread, like a line typed at q's console: what
    /// q would print comes as consoleOutput, then executed(ticket). Lines run in the order
    /// given. Returns the ticket (0 if the server is not running: nothing runs).
    quint64 execute(const QByteArray &source);
    /// Run a whole q script on the server, as `\l name` would (q's script rules, \d, stop at
    /// the first error, which comes as consoleOutput), then executed(ticket). In order with
    /// execute(). Returns the ticket (0 if not running).
    quint64 executeScript(const QByteArray &script, const QByteArray &name);
    /// Read what the server's hopen'd peers send at most this fast (0 = at once): makes it a
    /// slow subscriber whose publisher queues (.z.W) grow.
    void setReadRate(qint64 bytesPerSecond);

Q_SIGNALS:
    void logLine(const QString &line); // connections, errors; queued to the owner's thread
    /// q's console output: text for stdout (error false: values, show, 0N!, -1) or stderr
    /// (errors as 'word, -2), each piece with its newline. Queued to the owner's thread.
    void consoleOutput(const QByteArray &text, bool error);
    /// The console line with this ticket has run (its output was emitted before this).
    void executed(quint64 ticket);

private:
    std::unique_ptr<detail::DemoServerPrivate> m_d;
};

int runDemoServerMain(int argc, char **argv); // qscope-demo's whole CLI (--help documents all)

} // namespace qscope
