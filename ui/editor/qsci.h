#pragma once
/// QScintilla's headers use the bare `signals` / `slots` keywords, which this build switches off
/// (QT_NO_KEYWORDS). Include QScintilla only through this header: it maps the keywords onto the
/// Q_SIGNALS / Q_SLOTS macros for the duration of the includes.

#ifndef signals
#define QSCOPE_UNDEF_SIGNALS
#define signals Q_SIGNALS
#endif
#ifndef slots
#define QSCOPE_UNDEF_SLOTS
#define slots Q_SLOTS
#endif

#include <Qsci/qsciapis.h>
#include <Qsci/qscilexercustom.h>
#include <Qsci/qsciscintilla.h>

#ifdef QSCOPE_UNDEF_SIGNALS
#undef signals
#undef QSCOPE_UNDEF_SIGNALS
#endif
#ifdef QSCOPE_UNDEF_SLOTS
#undef slots
#undef QSCOPE_UNDEF_SLOTS
#endif
