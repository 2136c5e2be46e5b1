#pragma once
/// IPC frames of one connection (the engine's frame tap): a table, a hex view and a decoded tree
/// of the selected frame, and export of the selected frames.

#include "net/connectionmanager.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QPlainTextEdit;
class QTableView;
class QTimer;
class QTreeWidget;
class QTreeWidgetItem;

namespace qscope {

class FramesModel;
class VisibilityWatch;

/// The frame tap of one connection, chosen among the app's open handles by owner (the query tabs',
/// a feed's, a poller's). GUI thread only; refreshes the snapshot on a timer while visible. A
/// frame over 1 MB is decoded on a worker thread, never on the GUI thread. When the connection
/// closes, the frames seen so far stay.
class FramesView : public QWidget
{
    Q_OBJECT
public:
    FramesView(qscope::ConnectionManager *manager, QWidget *parent = nullptr);
    ~FramesView() override;

    // GUI thread ------------------------------------------------------------------------------
    void setConnection(qscope::ConnectionId id);
    qscope::ConnectionId connection() const { return m_connection; }
    FramesModel *model() const { return m_model; }
    /// Turn the engine's tap on or off for the connection.
    void setTapping(bool on);
    void refresh();
    /// Show frame `row` (hex and decoded tree).
    void showFrame(int row);
    QString hexText() const;
    QTreeWidget *tree() const { return m_tree; }
    QTableView *table() const { return m_table; }
    /// Export frames: ".txt" = a hex dump; otherwise the length-prefixed log format of FeedLog
    /// (the QSFEED1 magic, then uint32 LE length + raw IPC bytes per frame).
    bool exportFrames(const QList<int> &rows, const QString &path, QString *error) const;

    /// Hex dump: offset, 16 bytes in hex, ASCII; at most maxBytes shown.
    static QString hexDump(const QByteArray &bytes, int maxBytes = 64 * 1024);
    /// Tree items for a value: type and count, atoms' text, at most 200 children per node.
    static QTreeWidgetItem *treeFor(const qscope::Value &value, const QString &label,
                                    int depth = 0);

Q_SIGNALS:
    void frameShown(int row);

private:
    void exportSelected();
    void showDecoded(const QString &label, const qscope::Value &value, const QString &error);
    void updateStatus();
    /// The chooser lists the open handles (and the one shown, even once closed).
    void fillChooser();

    qscope::ConnectionManager *m_manager;
    qscope::ConnectionId m_connection = 0;
    VisibilityWatch *m_watch = nullptr;
    FramesModel *m_model = nullptr;
    QTimer *m_timer = nullptr;
    QCheckBox *m_tapCheck = nullptr;
    QComboBox *m_chooser = nullptr;
    QStringList m_chooserItems; ///< what the chooser lists now, to rebuild only on a change
    QLabel *m_status = nullptr;
    QTableView *m_table = nullptr;
    QPlainTextEdit *m_hex = nullptr;
    QTreeWidget *m_tree = nullptr;
    quint64 m_decodeGeneration = 0;
    QString m_connText;
    bool m_sized = false;
};

} // namespace qscope
