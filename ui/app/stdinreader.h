#pragma once
/// `qscope --stdin`: text piped into qscope opens in a new unsaved tab (as `kate --stdin`), e.g.
/// `q-report.sh | qscope --stdin`. Standard input is read as it arrives (a QSocketNotifier on a
/// non-blocking descriptor), so the window never waits for the writer; each chunk is appended to
/// the tab as an edit, UTF-8 decoded across chunk boundaries. GUI thread.

#include <QObject>
#include <QPointer>
#include <QStringDecoder>

class QSocketNotifier;

namespace qscope {

class EditorTab;

class StdinReader : public QObject
{
    Q_OBJECT
public:
    /// Reads descriptor `fd` (standard input in the app) into `tab` until end of input.
    StdinReader(EditorTab *tab, int fd = 0, QObject *parent = nullptr);

Q_SIGNALS:
    /// End of input (error empty) or a read error.
    void finished(const QString &error);

private:
    void readAvailable();
    void finish(const QString &error);

    QPointer<EditorTab> m_tab;
    int m_fd;
    QSocketNotifier *m_notifier;
    QStringDecoder m_decoder{QStringDecoder::Utf8};
};

} // namespace qscope
