/*
 * Passerelle SCO run-time: finds the LMS (SCORM 1.2 or 2004), restores the
 * learner's place, records progress, runs assessments and reports their
 * interactions and scores. No dependency, no network: it only talks to the
 * LMS's JavaScript API. Opened outside an LMS, the page still works and
 * says that progress is not recorded.
 */
(function () {
	'use strict';

	var dataNode = document.getElementById('pa-data');
	if (!dataNode) return;
	var data = JSON.parse(dataNode.textContent);
	var isQuiz = data.kind === 'assessment';

	/* ---- Words ------------------------------------------------------ */

	var WORDS = {
		en: {
			standalone: 'You are viewing this page outside a learning platform: your progress is not recorded.',
			resumed: 'Welcome back: you are where you left off.',
			lessonDone: 'Lesson completed. Your progress has been recorded.',
			lessonDoneLocal: 'Lesson completed.',
			completed: 'Completed',
			question: 'Question {n} of {total}',
			yourAnswer: 'Your answer',
			yourNumber: 'Your answer (a number)',
			chooseOne: 'Choose…',
			trueText: 'True', falseText: 'False',
			moveUp: 'Move up', moveDown: 'Move down',
			moved: '{item}: position {pos} of {total}.',
			submit: 'Submit answers',
			retry: 'Try again',
			correct: 'Correct.', incorrect: 'Incorrect.', partial: 'Partly correct.',
			recorded: 'Answer recorded.',
			noAnswer: 'No answer given.',
			info: '{count} questions. Passing score: {pass}%.',
			infoSurvey: '{count} questions. There are no right or wrong answers.',
			attemptOf: 'Attempt {n} of {limit}.',
			attempt: 'Attempt {n}.',
			score: 'Your score: {pct}% ({raw} of {max}).',
			passed: 'You passed (passing score {pass}%).',
			failed: 'You did not reach the passing score of {pass}%.',
			attemptsLeft: 'Attempts left: {n}.',
			noAttempts: 'You have used all {limit} attempts allowed for this assessment.',
			surveyDone: 'Thank you: your answers have been recorded.',
			surveyDoneLocal: 'Thank you for your answers.',
			timeLeft: 'Time left: {t}',
			oneMinute: 'One minute left.',
			timeUp: 'Time is up: your answers have been submitted.',
			lmsError: 'The learning platform did not record your progress (error {code}: {text}). Please tell your course administrator.'
		},
		fr: {
			standalone: 'Vous consultez cette page hors d’une plateforme de formation : votre progression n’est pas enregistrée.',
			resumed: 'Bon retour : vous reprenez là où vous vous étiez arrêté.',
			lessonDone: 'Leçon terminée. Votre progression est enregistrée.',
			lessonDoneLocal: 'Leçon terminée.',
			completed: 'Terminé',
			question: 'Question {n} sur {total}',
			yourAnswer: 'Votre réponse',
			yourNumber: 'Votre réponse (un nombre)',
			chooseOne: 'Choisir…',
			trueText: 'Vrai', falseText: 'Faux',
			moveUp: 'Monter', moveDown: 'Descendre',
			moved: '{item} : position {pos} sur {total}.',
			submit: 'Valider mes réponses',
			retry: 'Recommencer',
			correct: 'Correct.', incorrect: 'Incorrect.', partial: 'Partiellement correct.',
			recorded: 'Réponse enregistrée.',
			noAnswer: 'Aucune réponse.',
			info: '{count} questions. Score de réussite : {pass} %.',
			infoSurvey: '{count} questions. Il n’y a pas de bonne ou de mauvaise réponse.',
			attemptOf: 'Tentative {n} sur {limit}.',
			attempt: 'Tentative {n}.',
			score: 'Votre score : {pct} % ({raw} sur {max}).',
			passed: 'Réussi (score de réussite : {pass} %).',
			failed: 'Vous n’avez pas atteint le score de réussite de {pass} %.',
			attemptsLeft: 'Tentatives restantes : {n}.',
			noAttempts: 'Vous avez utilisé les {limit} tentatives autorisées pour cette évaluation.',
			surveyDone: 'Merci : vos réponses sont enregistrées.',
			surveyDoneLocal: 'Merci pour vos réponses.',
			timeLeft: 'Temps restant : {t}',
			oneMinute: 'Plus qu’une minute.',
			timeUp: 'Le temps est écoulé : vos réponses ont été envoyées.',
			lmsError: 'La plateforme n’a pas enregistré votre progression (erreur {code} : {text}). Merci de prévenir l’administrateur du cours.'
		}
	};

	WORDS.es = {
		standalone: 'Está viendo esta página fuera de una plataforma de aprendizaje: su progreso no se registra.',
		resumed: 'Bienvenido de nuevo: continúa donde lo dejó.',
		lessonDone: 'Lección terminada. Su progreso ha quedado registrado.',
		lessonDoneLocal: 'Lección terminada.',
		completed: 'Terminado',
		question: 'Pregunta {n} de {total}',
		yourAnswer: 'Su respuesta',
		yourNumber: 'Su respuesta (un número)',
		chooseOne: 'Elegir…',
		trueText: 'Verdadero', falseText: 'Falso',
		moveUp: 'Subir', moveDown: 'Bajar',
		moved: '{item}: posición {pos} de {total}.',
		submit: 'Enviar respuestas',
		retry: 'Intentar de nuevo',
		correct: 'Correcto.', incorrect: 'Incorrecto.', partial: 'Parcialmente correcto.',
		recorded: 'Respuesta registrada.',
		noAnswer: 'Sin respuesta.',
		info: '{count} preguntas. Puntuación para aprobar: {pass} %.',
		infoSurvey: '{count} preguntas. No hay respuestas correctas ni incorrectas.',
		attemptOf: 'Intento {n} de {limit}.',
		attempt: 'Intento {n}.',
		score: 'Su puntuación: {pct} % ({raw} de {max}).',
		passed: 'Aprobado (puntuación para aprobar: {pass} %).',
		failed: 'No alcanzó la puntuación para aprobar de {pass} %.',
		attemptsLeft: 'Intentos restantes: {n}.',
		noAttempts: 'Ha utilizado los {limit} intentos permitidos para esta evaluación.',
		surveyDone: 'Gracias: sus respuestas han quedado registradas.',
		surveyDoneLocal: 'Gracias por sus respuestas.',
		timeLeft: 'Tiempo restante: {t}',
		oneMinute: 'Queda un minuto.',
		timeUp: 'Se acabó el tiempo: sus respuestas han sido enviadas.',
		lmsError: 'La plataforma no registró su progreso (error {code}: {text}). Avise al administrador del curso.'
	};

	var lang = data.languages[0];

	function primary(tag) { return String(tag || '').toLowerCase().split(/[-_]/)[0]; }

	function t(key, vars) {
		var w = WORDS[primary(lang)] || WORDS.en;
		var s = w[key] !== undefined ? w[key] : WORDS.en[key];
		return s.replace(/\{(\w+)\}/g, function (m, k) { return vars && vars[k] !== undefined ? vars[k] : m; });
	}

	/* ---- The LMS ---------------------------------------------------- */

	/* The classic discovery: the window, its parents (at most 7 levels up),
	 * then the opener and its parents. Frames of another origin throw. */
	function findIn(win, name) {
		for (var depth = 0; win && depth <= 7; depth++) {
			try {
				if (win[name]) return win[name];
			} catch (e) { return null; }
			var up;
			try { up = win.parent; } catch (e2) { return null; }
			if (!up || up === win) break;
			win = up;
		}
		return null;
	}

	function discover() {
		var order = data.format === 'scorm2004' ? ['API_1484_11', 'API'] : ['API', 'API_1484_11'];
		for (var i = 0; i < order.length; i++) {
			var api = findIn(window, order[i]);
			if (!api) {
				var opener = null;
				try { opener = window.opener; } catch (e) { opener = null; }
				if (opener) api = findIn(opener, order[i]);
			}
			if (api) return { api: api, v2004: order[i] === 'API_1484_11' };
		}
		return null;
	}

	var lms = {
		api: null, v2004: false, on: false, ended: false, started: Date.now(), problem: null,

		call: function (name12, name2004, a, b) {
			var fn = this.api[this.v2004 ? name2004 : name12];
			if (typeof fn !== 'function') return '';
			try {
				var r = arguments.length > 3 ? fn.call(this.api, a, b) : arguments.length > 2 ? fn.call(this.api, a) : fn.call(this.api, '');
				return r === undefined || r === null ? '' : String(r);
			} catch (e) { return ''; }
		},
		lastError: function () {
			var code = this.call('LMSGetLastError', 'GetLastError');
			var text = code && code !== '0' ? this.call('LMSGetErrorString', 'GetErrorString', code) : '';
			return { code: code || '?', text: text };
		},
		init: function () {
			var found = discover();
			if (!found) return false;
			this.api = found.api;
			this.v2004 = found.v2004;
			var ok = this.call('LMSInitialize', 'Initialize', '') === 'true';
			if (!ok) {
				var err = this.lastError();
				/* 103 / 101: already initialised by a previous page of this
				 * SCO; carry on, the session is open. */
				if (err.code !== '103' && err.code !== '101') return false;
			}
			this.on = true;
			return true;
		},
		get: function (el) {
			if (!this.on || this.ended) return '';
			return this.call('LMSGetValue', 'GetValue', el);
		},
		set: function (el, value, important) {
			if (!this.on || this.ended) return false;
			var ok = this.call('LMSSetValue', 'SetValue', el, String(value)) === 'true';
			if (!ok) {
				var err = this.lastError();
				if (window.console) console.warn('passerelle: SetValue(' + el + ') failed: ' + err.code + ' ' + err.text);
				if (important) this.fail(err);
			}
			return ok;
		},
		commit: function () {
			if (!this.on || this.ended) return false;
			var ok = this.call('LMSCommit', 'Commit', '') === 'true';
			if (!ok) this.fail(this.lastError());
			return ok;
		},
		fail: function (err) {
			this.problem = err;
			notice(t('lmsError', { code: err.code, text: err.text || '' }), true);
		},
		finish: function () {
			if (!this.on || this.ended) return;
			this.set(this.v2004 ? 'cmi.session_time' : 'cmi.core.session_time',
				this.v2004 ? isoDuration(Date.now() - this.started) : cmiTimespan(Date.now() - this.started));
			this.commit();
			this.call('LMSFinish', 'Terminate', '');
			this.ended = true;
		}
	};

	/* ---- Formats ---------------------------------------------------- */

	function pad(n, w) { n = String(n); while (n.length < w) n = '0' + n; return n; }

	function trimNumber(x, digits) {
		return String(Number(x.toFixed(digits)));
	}

	/* SCORM 2004 timeinterval: PT#H#M#S. */
	function isoDuration(ms) {
		var cs = Math.max(0, Math.round(ms / 10));
		var h = Math.floor(cs / 360000), m = Math.floor(cs / 6000) % 60, s = (cs % 6000) / 100;
		return 'PT' + (h ? h + 'H' : '') + (m ? m + 'M' : '') + trimNumber(s, 2) + 'S';
	}

	/* SCORM 1.2 CMITimespan: HHHH:MM:SS.SS. */
	function cmiTimespan(ms) {
		var cs = Math.max(0, Math.round(ms / 10));
		var h = Math.min(9999, Math.floor(cs / 360000)), m = Math.floor(cs / 6000) % 60, s = cs % 6000;
		return pad(h, 4) + ':' + pad(m, 2) + ':' + pad(Math.floor(s / 100), 2) + '.' + pad(s % 100, 2);
	}

	/* SCORM 2004 time(second,10,0): YYYY-MM-DDThh:mm:ss.sZ (UTC). */
	function isoTimestamp(ms) {
		var d = new Date(ms);
		return d.getUTCFullYear() + '-' + pad(d.getUTCMonth() + 1, 2) + '-' + pad(d.getUTCDate(), 2) + 'T' +
			pad(d.getUTCHours(), 2) + ':' + pad(d.getUTCMinutes(), 2) + ':' + pad(d.getUTCSeconds(), 2) + '.' +
			Math.floor(d.getUTCMilliseconds() / 100) + 'Z';
	}

	/* SCORM 1.2 CMITime: HH:MM:SS (local time of day). */
	function cmiTime(ms) {
		var d = new Date(ms);
		return pad(d.getHours(), 2) + ':' + pad(d.getMinutes(), 2) + ':' + pad(d.getSeconds(), 2);
	}

	/* ---- State kept in suspend_data --------------------------------- */

	var state = { v: 1 };

	function loadState(text) {
		if (!text) return;
		try {
			var s = JSON.parse(text);
			if (s && typeof s === 'object' && s.v === 1) state = s;
		} catch (e) { /* not ours: start afresh */ }
	}

	/* The state in at most limit characters: answers being written are what
	 * grows, so the longest are shortened first. */
	function fitState(limit) {
		var copy = JSON.parse(JSON.stringify(state)), text = JSON.stringify(copy);
		var r = copy.quiz && copy.quiz.r;
		while (text.length > limit && r) {
			var longest = null;
			for (var k in r) if (typeof r[k] === 'string' && r[k].length > 20 && (!longest || r[k].length > r[longest].length)) longest = k;
			if (!longest) { copy.quiz.r = {}; r = null; }
			else r[longest] = r[longest].slice(0, Math.floor(r[longest].length / 2));
			text = JSON.stringify(copy);
		}
		return text;
	}

	/* Generous first (many LMSs take more than SCORM 1.2's 4,096
	 * characters); within the standard's limit if the LMS refuses. */
	function writeState() {
		var text = JSON.stringify(state);
		if (!lms.set('cmi.suspend_data', text) && !lms.v2004 && text.length > 4096)
			lms.set('cmi.suspend_data', fitState(4096));
	}

	var commitTimer = null;
	function save(now) {
		if (!lms.on) return;
		writeState();
		if (commitTimer) clearTimeout(commitTimer);
		commitTimer = null;
		if (now) lms.commit();
		else commitTimer = setTimeout(function () { commitTimer = null; lms.commit(); }, 1000);
	}

	function setExit(done) {
		if (lms.v2004) lms.set('cmi.exit', done ? 'normal' : 'suspend');
		else lms.set('cmi.core.exit', done ? '' : 'suspend');
	}

	/* ---- Page furniture --------------------------------------------- */

	var noticeNode = document.getElementById('pa-notice');

	function notice(text, alert) {
		if (!noticeNode) return;
		noticeNode.textContent = '';
		var p = document.createElement('p');
		p.textContent = text;
		noticeNode.appendChild(p);
		noticeNode.className = 'pa-notice' + (alert ? ' pa-notice-alert' : '');
	}

	function el(tag, attrs, children) {
		var n = document.createElement(tag);
		for (var k in attrs) {
			if (!Object.prototype.hasOwnProperty.call(attrs, k) || attrs[k] === null || attrs[k] === undefined || attrs[k] === false) continue;
			if (k === 'text') n.textContent = attrs[k];
			else if (k === 'html') n.innerHTML = attrs[k];
			else if (k === 'className') n.className = attrs[k];
			else n.setAttribute(k, attrs[k] === true ? '' : attrs[k]);
		}
		(children || []).forEach(function (c) { if (c) n.appendChild(c); });
		return n;
	}

	function pick(map) {
		if (!map) return '';
		if (map[lang] !== undefined) return map[lang];
		for (var k in map) if (primary(k) === primary(lang)) return map[k];
		if (map[data.languages[0]] !== undefined) return map[data.languages[0]];
		for (var k2 in map) return map[k2];
		return '';
	}

	function plain(html) {
		var d = document.createElement('div');
		d.innerHTML = html || '';
		return (d.textContent || '').replace(/\s+/g, ' ').trim();
	}

	function matchLang(tag) {
		if (!tag) return null;
		var langs = data.languages;
		for (var i = 0; i < langs.length; i++) if (langs[i].toLowerCase() === String(tag).toLowerCase()) return langs[i];
		for (var j = 0; j < langs.length; j++) if (primary(langs[j]) === primary(tag)) return langs[j];
		return null;
	}

	function chooseLanguage() {
		var pref = lms.get(lms.v2004 ? 'cmi.learner_preference.language' : 'cmi.student_preference.language');
		var browser = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language];
		var candidates = [state.l, pref].concat(browser);
		for (var i = 0; i < candidates.length; i++) {
			var m = matchLang(candidates[i]);
			if (m) return m;
		}
		return data.languages[0];
	}

	var RTL = ['ar', 'fa', 'he', 'ur', 'ps', 'yi', 'dv', 'ckb'];

	function showLanguage(next) {
		lang = next;
		document.documentElement.lang = lang;
		document.documentElement.dir = RTL.indexOf(primary(lang)) >= 0 ? 'rtl' : 'ltr';
		var nodes = document.querySelectorAll('[data-pa-lang]');
		for (var i = 0; i < nodes.length; i++) nodes[i].hidden = nodes[i].getAttribute('data-pa-lang') !== lang;
		if (data.titles && data.titles[lang]) document.title = data.titles[lang];
		var select = document.getElementById('pa-lang-select');
		if (select) select.value = lang;
	}

	/* ---- Lessons ---------------------------------------------------- */

	function sections() {
		return document.querySelectorAll('.pa-content[data-pa-lang="' + lang + '"] .pa-section');
	}

	function sectionKey(sec) {
		var h = sec.querySelector('h2[id]');
		return h ? h.id : 'top';
	}

	var lessonDone = false, userScrolled = false, lastSection = -1;

	function currentSection() {
		var secs = sections(), idx = 0, line = window.innerHeight * 0.35;
		/* At the very top the learner is at the beginning, however short it is. */
		if (window.pageYOffset > 0)
			for (var i = 0; i < secs.length; i++) if (secs[i].getBoundingClientRect().top <= line) idx = i;
		return { index: idx, node: secs[idx] };
	}

	function bookmark() {
		var cur = currentSection();
		if (cur.node && cur.index !== lastSection) {
			lastSection = cur.index;
			state.s = cur.index;
			if (lms.on && !lms.ended) {
				lms.set(lms.v2004 ? 'cmi.location' : 'cmi.core.lesson_location', sectionKey(cur.node));
				save(false);
			}
		}
		/* The learner scrolled to the end: the lesson is read. */
		if (userScrolled && !lessonDone) {
			var finish = document.querySelector('.pa-content[data-pa-lang="' + lang + '"] .pa-finish');
			if (finish && finish.getBoundingClientRect().top < window.innerHeight) completeLesson(false);
		}
	}

	function completeLesson(terminate) {
		var buttons = document.querySelectorAll('.pa-complete');
		if (!lessonDone) {
			lessonDone = true;
			state.done = true;
			if (lms.on && !lms.ended) {
				lms.set(lms.v2004 ? 'cmi.completion_status' : 'cmi.core.lesson_status', 'completed', true);
				setExit(true);
				save(true);
			}
			notice(lms.on ? t('lessonDone') : t('lessonDoneLocal'));
		}
		for (var i = 0; i < buttons.length; i++) {
			var own = buttons[i].closest('[data-pa-lang]');
			var words = WORDS[primary(own ? own.getAttribute('data-pa-lang') : lang)] || WORDS.en;
			buttons[i].setAttribute('aria-disabled', 'true');
			buttons[i].classList.add('pa-done');
			buttons[i].textContent = words.completed;
		}
		if (terminate) lms.finish();
	}

	function startLesson(resuming) {
		var secs = sections(), target = null;
		lessonDone = !!state.done;
		if (resuming) {
			var loc = lms.get(lms.v2004 ? 'cmi.location' : 'cmi.core.lesson_location');
			if (loc && loc !== 'top') {
				var h = document.getElementById(loc);
				if (h && h.closest('.pa-content[data-pa-lang="' + lang + '"]')) target = h.closest('.pa-section');
			}
			if (!target && typeof state.s === 'number' && secs[state.s]) target = secs[state.s];
		}
		if (target) {
			var heading = target.querySelector('h2');
			(heading || target).scrollIntoView({ block: 'start' });
			if (heading) { heading.setAttribute('tabindex', '-1'); heading.focus({ preventScroll: true }); }
			notice(t('resumed'));
		}
		if (lessonDone) completeLesson(false);
		var pending = false;
		window.addEventListener('scroll', function () {
			if (pending) return;
			pending = true;
			setTimeout(function () { pending = false; bookmark(); }, 150);
		}, { passive: true });
		['wheel', 'touchmove', 'keydown'].forEach(function (ev) {
			window.addEventListener(ev, function () { userScrolled = true; }, { passive: true });
		});
		document.addEventListener('click', function (e) {
			var b = e.target.closest && e.target.closest('.pa-complete');
			if (b) completeLesson(true);
		});
		lastSection = -1;
		bookmark();
	}

	/* ---- Assessments ------------------------------------------------ */

	var questions = data.questions || [];
	var LETTERS = 'abcdefghijklmnopqrstuvwxyz0123456789';
	var TARGETS = '123456789abcdefghijklmnopqrstuvwxyz';
	var TYPES_2004 = { choice: 'choice', multiple: 'choice', truefalse: 'true-false', short: 'fill-in', numeric: 'numeric',
		matching: 'matching', ordering: 'sequencing', likert: 'likert', text: 'long-fill-in' };
	var TYPES_12 = { choice: 'choice', multiple: 'choice', truefalse: 'true-false', short: 'fill-in', numeric: 'numeric',
		matching: 'matching', ordering: 'sequencing', likert: 'likert', text: 'fill-in' };

	function letter(i) { return i < LETTERS.length ? LETTERS[i] : 'x' + i; }

	function shuffled(n, avoidIdentity) {
		var a = [];
		for (var i = 0; i < n; i++) a.push(i);
		for (var tries = 0; tries < 5; tries++) {
			for (var j = n - 1; j > 0; j--) {
				var k = Math.floor(Math.random() * (j + 1)), x = a[j];
				a[j] = a[k]; a[k] = x;
			}
			if (!avoidIdentity || n < 2 || a.some(function (v, idx) { return v !== idx; })) break;
		}
		return a;
	}

	function identity(n) { var a = []; for (var i = 0; i < n; i++) a.push(i); return a; }

	/* The right sides of a matching question, each once: [{text, first}] */
	function matchTargets(q) {
		var seen = {}, out = [];
		q.answers.forEach(function (a, i) {
			var key = matchText(q, i);
			if (!Object.prototype.hasOwnProperty.call(seen, key)) { seen[key] = out.length; out.push({ first: i, key: key }); }
		});
		return out;
	}

	/* The right side of pair i as shown, and as compared (in the default
	 * language, so that a change of language keeps the learner's pairs). */
	function matchText(q, i) { return q.answers[i] ? plain(pick(q.answers[i].match)) : ''; }
	function matchKey(q, i) {
		var m = q.answers[i] && q.answers[i].match;
		return m ? plain(m[data.languages[0]] !== undefined ? m[data.languages[0]] : pick(m)) : '';
	}

	function newAttempt() {
		var quiz = state.quiz || (state.quiz = { a: 0 });
		quiz.r = {};
		quiz.sub = false;
		quiz.start = Date.now();
		quiz.lt = {};
		quiz.o = data.shuffle ? shuffled(questions.length, false) : identity(questions.length);
		quiz.ao = {};
		questions.forEach(function (q) {
			var n = q.answers.length;
			if (q.type === 'ordering') quiz.ao[q.id] = shuffled(n, true);
			else if (q.type === 'matching') quiz.ao[q.id] = q.shuffle ? shuffled(n, false) : identity(n);
			else if ((q.type === 'choice' || q.type === 'multiple') && q.shuffle) quiz.ao[q.id] = shuffled(n, false);
		});
	}

	function answerOrder(q) {
		var o = state.quiz.ao && state.quiz.ao[q.id];
		return o && o.length === q.answers.length ? o : identity(q.answers.length);
	}

	function parseNumber(s) {
		s = String(s || '').trim().replace(/\s/g, '');
		if (s.indexOf(',') >= 0 && s.indexOf('.') < 0) s = s.replace(',', '.');
		if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) return NaN;
		return Number(s);
	}

	function answered(q, r) {
		if (r === undefined || r === null) return false;
		switch (q.type) {
		case 'multiple': return r.length > 0;
		case 'short': case 'numeric': case 'text': return String(r).trim() !== '';
		case 'matching': return r.some(function (x) { return x >= 0; });
		default: return true;
		}
	}

	/* Credit in 0..1 exactly as docs/course-format.md "Scoring" says. */
	function credit(q, r) {
		if (!q.scored || !answered(q, r)) return 0;
		var c = 0;
		switch (q.type) {
		case 'choice': {
			var a = q.answers[r];
			c = a ? (a.credit > 0 ? a.credit : a.correct ? 1 : 0) : 0;
			break;
		}
		case 'multiple': {
			var anyCredit = q.answers.some(function (x) { return x.credit !== 0; });
			var right = q.answers.filter(function (x) { return x.correct; }).length || 1;
			r.forEach(function (i) {
				var x = q.answers[i];
				if (x) c += anyCredit ? x.credit : x.correct ? 1 / right : 0;
			});
			break;
		}
		case 'truefalse':
			c = r === q.answer ? 1 : 0;
			break;
		case 'short': {
			var given = String(r).trim();
			q.answers.forEach(function (x) {
				var value = x.credit > 0 ? x.credit : 1, hit = false;
				if (x.pattern) {
					try { hit = new RegExp(x.pattern, q.caseSensitive ? '' : 'i').test(given); } catch (e) { hit = false; }
				} else if (x.value) {
					for (var k in x.value) {
						var v = String(x.value[k]).trim();
						if (q.caseSensitive ? v === given : v.toLowerCase() === given.toLowerCase()) hit = true;
					}
				}
				if (hit && value > c) c = value;
			});
			break;
		}
		case 'numeric': {
			var n = parseNumber(r);
			if (isNaN(n)) break;
			var ranges = q.answers.length ? q.answers : [{ min: q.min, max: q.max, credit: 1 }];
			ranges.forEach(function (x) { if (n >= x.min && n <= x.max && x.credit > c) c = x.credit; });
			break;
		}
		case 'matching': {
			var good = 0;
			q.answers.forEach(function (x, i) { if (r[i] >= 0 && matchKey(q, r[i]) === matchKey(q, i)) good++; });
			c = q.answers.length ? good / q.answers.length : 0;
			break;
		}
		case 'ordering':
			c = r.every(function (v, i) { return v === i; }) ? 1 : 0;
			break;
		}
		return Math.max(0, Math.min(1, c));
	}

	/* The response in SCORM's formats: [2004 pattern, 1.2 pattern]. */
	function responsePatterns(q, r) {
		switch (q.type) {
		case 'choice': return [letter(r), letter(r)];
		case 'multiple': {
			var ls = r.slice().sort(function (a, b) { return a - b; }).map(letter);
			return [ls.join('[,]'), ls.join(',')];
		}
		case 'truefalse': return [r ? 'true' : 'false', r ? 't' : 'f'];
		case 'short': case 'text': {
			var s = String(r || '');
			return [s.replace(/\[,\]/g, ', ').slice(0, q.type === 'text' ? 4000 : 250), s.slice(0, 255)];
		}
		case 'numeric': {
			var n = parseNumber(r);
			return isNaN(n) ? ['', ''] : [String(n), String(n)];
		}
		case 'matching': {
			var targets = matchTargets(q), pairs2004 = [], pairs12 = [];
			r.forEach(function (sel, i) {
				if (sel < 0) return;
				var ti = 0;
				targets.forEach(function (tg, j) { if (tg.key === matchText(q, sel)) ti = j; });
				pairs2004.push(letter(i) + '[.]' + TARGETS[ti]);
				pairs12.push(letter(i) + '.' + TARGETS[ti]);
			});
			return [pairs2004.join('[,]'), pairs12.join(',')];
		}
		case 'ordering': {
			var seq = r.map(letter);
			return [seq.join('[,]'), seq.join(',')];
		}
		case 'likert': return [TARGETS[r] || String(r + 1), TARGETS[r] || String(r + 1)];
		}
		return ['', ''];
	}

	/* Every right response of q: lists of [2004 pattern, 1.2 pattern]. */
	function correctPatterns(q) {
		var out = [];
		switch (q.type) {
		case 'choice':
			q.answers.forEach(function (a, i) { if (a.correct || a.credit >= 1) out.push([letter(i), letter(i)]); });
			break;
		case 'multiple': {
			var right = [];
			q.answers.forEach(function (a, i) { if (a.correct || a.credit > 0) right.push(letter(i)); });
			out.push([right.join('[,]'), right.join(',')]);
			break;
		}
		case 'truefalse':
			out.push([q.answer ? 'true' : 'false', q.answer ? 't' : 'f']);
			break;
		case 'short':
			q.answers.forEach(function (a) {
				if (!a.value) return;
				var v = pick(a.value);
				out.push(['{case_matters=' + (q.caseSensitive ? 'true' : 'false') + '}' + v.replace(/\[,\]/g, ', ').slice(0, 250), v.slice(0, 255)]);
			});
			break;
		case 'numeric': {
			var full = q.answers.filter(function (x) { return x.credit >= 1; });
			if (!full.length) full = [{ min: q.min, max: q.max }];
			full.forEach(function (x) {
				out.push([trimNumber(x.min, 7) + '[:]' + trimNumber(x.max, 7), x.min === x.max ? trimNumber(x.min, 7) : null]);
			});
			break;
		}
		case 'matching': {
			var targets = matchTargets(q), p4 = [], p2 = [];
			q.answers.forEach(function (a, i) {
				var ti = 0;
				targets.forEach(function (tg, j) { if (tg.key === matchText(q, i)) ti = j; });
				p4.push(letter(i) + '[.]' + TARGETS[ti]);
				p2.push(letter(i) + '.' + TARGETS[ti]);
			});
			out.push([p4.join('[,]'), p2.join(',')]);
			break;
		}
		case 'ordering': {
			var seq = q.answers.map(function (a, i) { return letter(i); });
			out.push([seq.join('[,]'), seq.join(',')]);
			break;
		}
		}
		return out;
	}

	function scoreAttempt() {
		var raw = 0, max = 0;
		questions.forEach(function (q) {
			if (!q.scored) return;
			max += q.weight;
			raw += credit(q, state.quiz.r[q.id]) * q.weight;
		});
		var scaled = max > 0 ? raw / max : 0;
		var pass = data.passingScore / 100;
		var lmsPass = lms.on ? (lms.v2004 ? lms.get('cmi.scaled_passing_score') : lms.get('cmi.student_data.mastery_score')) : '';
		if (lmsPass !== '' && !isNaN(Number(lmsPass))) pass = lms.v2004 ? Number(lmsPass) : Number(lmsPass) / 100;
		return { raw: raw, max: max, scaled: scaled, passed: max === 0 || scaled + 1e-9 >= pass, pass: Math.round(pass * 100) };
	}

	function report(result) {
		if (!lms.on || lms.ended) return;
		var v4 = lms.v2004, quiz = state.quiz, now = Date.now();
		/* The SCO's primary objective when the LMS lists the manifest's
		 * objectives (2004), else the unit. */
		var objective = data.unit;
		if (v4 && parseInt(lms.get('cmi.objectives._count'), 10) > 0) objective = lms.get('cmi.objectives.0.id') || data.unit;
		var n = parseInt(lms.get('cmi.interactions._count'), 10);
		if (isNaN(n) || n < 0) n = 0;
		quiz.o.forEach(function (qi) {
			var q = questions[qi], r = quiz.r[q.id], base = 'cmi.interactions.' + n + '.';
			var c = credit(q, r), given = answered(q, r);
			var result1 = !q.scored ? 'neutral' : c >= 1 ? 'correct' : c <= 0 ? 'incorrect' : trimNumber(c, 4);
			var latency = Math.max(0, (quiz.lt[q.id] || now) - quiz.start);
			var patterns = q.scored ? correctPatterns(q) : [];
			lms.set(base + 'id', q.id, true);
			lms.set(base + 'type', v4 ? TYPES_2004[q.type] : TYPES_12[q.type]);
			lms.set(base + 'objectives.0.id', objective);
			if (v4) {
				lms.set(base + 'description', plain(pick(q.text)).slice(0, 250));
				lms.set(base + 'timestamp', isoTimestamp(quiz.start));
			} else {
				lms.set(base + 'time', cmiTime(quiz.start));
			}
			var k = 0;
			patterns.forEach(function (p) {
				var value = v4 ? p[0] : p[1];
				if (value === null || value === undefined) return;
				lms.set(base + 'correct_responses.' + k + '.pattern', value);
				k++;
			});
			if (given) lms.set(base + (v4 ? 'learner_response' : 'student_response'), responsePatterns(q, r)[v4 ? 0 : 1]);
			lms.set(base + 'result', v4 ? result1 : result1 === 'incorrect' ? 'wrong' : result1);
			lms.set(base + 'weighting', q.scored ? trimNumber(q.weight, 4) : '0');
			lms.set(base + 'latency', v4 ? isoDuration(latency) : cmiTimespan(latency));
			n++;
		});
		if (data.graded) {
			if (v4) {
				lms.set('cmi.score.raw', trimNumber(result.raw, 4), true);
				lms.set('cmi.score.min', '0', true);
				lms.set('cmi.score.max', trimNumber(result.max, 4), true);
				lms.set('cmi.score.scaled', trimNumber(result.scaled, 4), true);
				lms.set('cmi.success_status', result.passed ? 'passed' : 'failed', true);
				lms.set('cmi.completion_status', 'completed', true);
			} else {
				lms.set('cmi.core.score.raw', trimNumber(result.scaled * 100, 2), true);
				lms.set('cmi.core.score.min', '0', true);
				lms.set('cmi.core.score.max', '100', true);
				lms.set('cmi.core.lesson_status', result.passed ? 'passed' : 'failed', true);
			}
		} else {
			lms.set(v4 ? 'cmi.completion_status' : 'cmi.core.lesson_status', 'completed', true);
		}
	}

	function attemptsLeft() {
		if (!data.attemptLimit) return Infinity;
		return Math.max(0, data.attemptLimit - (state.quiz ? state.quiz.a : 0));
	}

	var quizRoot = document.getElementById('pa-quiz');
	var liveNode = null, timer = null;

	function feedbackFor(q, r) {
		var parts = [];
		if (!answered(q, r)) parts.push(el('p', { className: 'pa-verdict', text: t('noAnswer') }));
		if (q.scored) {
			var c = credit(q, r);
			parts.push(el('p', { className: 'pa-verdict ' + (c >= 1 ? 'pa-right' : c > 0 ? 'pa-partial' : 'pa-wrong'),
				text: c >= 1 ? t('correct') : c > 0 ? t('partial') : t('incorrect') }));
		} else if (answered(q, r)) {
			parts.push(el('p', { className: 'pa-verdict', text: t('recorded') }));
		}
		var chosen = [];
		if (q.type === 'choice' || q.type === 'likert') chosen = answered(q, r) ? [r] : [];
		else if (q.type === 'multiple') chosen = r || [];
		chosen.forEach(function (i) {
			var fb = q.answers[i] && pick(q.answers[i].feedback);
			if (fb) parts.push(el('div', { className: 'pa-answer-feedback', html: fb }));
		});
		if (q.scored) {
			var c2 = credit(q, r);
			var fb2 = pick(c2 >= 1 ? q.feedback.correct : q.feedback.incorrect);
			if (fb2) parts.push(el('div', { className: 'pa-question-feedback', html: fb2 }));
		}
		var gen = pick(q.feedback.general);
		if (gen) parts.push(el('div', { className: 'pa-general-feedback', html: gen }));
		return parts;
	}

	function touch(q) {
		state.quiz.lt[q.id] = Date.now();
		save(false);
	}

	function buildQuestion(q, pos, total, review) {
		var quiz = state.quiz, r = quiz.r[q.id], base = 'pa-q-' + q.id.replace(/[^A-Za-z0-9_-]/g, '_');
		var stemId = base + '-stem', fbId = base + '-fb';
		var fs = el('fieldset', { className: 'pa-question pa-type-' + q.type, id: base, 'aria-describedby': stemId });
		fs.appendChild(el('legend', { className: 'pa-question-number', text: t('question', { n: pos + 1, total: total }) }));
		fs.appendChild(el('div', { className: 'pa-stem', id: stemId, html: pick(q.text) }));
		var body = el('div', { className: 'pa-answers' });
		fs.appendChild(body);

		function optionRow(type, name, i, labelHtml, checked, onchange) {
			var id = base + '-' + i;
			var input = el('input', { type: type, id: id, name: name, value: String(i), checked: checked, disabled: review });
			if (checked) input.checked = true;
			input.addEventListener('change', onchange);
			return el('div', { className: 'pa-option' }, [input, el('label', { 'for': id, html: labelHtml })]);
		}

		switch (q.type) {
		case 'choice':
		case 'multiple':
			answerOrder(q).forEach(function (i) {
				var multi = q.type === 'multiple';
				var checked = multi ? (r || []).indexOf(i) >= 0 : r === i;
				body.appendChild(optionRow(multi ? 'checkbox' : 'radio', base, i, pick(q.answers[i].text), checked, function (e) {
					if (multi) {
						var set = (quiz.r[q.id] || []).filter(function (x) { return x !== i; });
						if (e.target.checked) set.push(i);
						quiz.r[q.id] = set;
					} else {
						quiz.r[q.id] = i;
					}
					touch(q);
				}));
			});
			break;
		case 'truefalse':
			[true, false].forEach(function (v, i) {
				body.appendChild(optionRow('radio', base, i, v ? t('trueText') : t('falseText'), r === v, function () {
					quiz.r[q.id] = v;
					touch(q);
				}));
			});
			break;
		case 'likert':
			body.className += ' pa-likert';
			q.answers.forEach(function (a, i) {
				body.appendChild(optionRow('radio', base, i, pick(a.text), r === i, function () {
					quiz.r[q.id] = i;
					touch(q);
				}));
			});
			break;
		case 'short':
		case 'numeric':
		case 'text': {
			var id = base + '-input';
			var input = q.type === 'text'
				? el('textarea', { id: id, rows: '5', disabled: review })
				: el('input', { type: 'text', id: id, autocomplete: 'off', spellcheck: 'false', disabled: review,
					inputmode: q.type === 'numeric' ? 'decimal' : null });
			input.value = r === undefined ? '' : String(r);
			input.addEventListener('input', function () {
				quiz.r[q.id] = input.value;
				touch(q);
			});
			body.appendChild(el('label', { 'for': id, className: 'pa-input-label', text: q.type === 'numeric' ? t('yourNumber') : t('yourAnswer') }));
			body.appendChild(input);
			break;
		}
		case 'matching': {
			var targets = matchTargets(q);
			var order = answerOrder(q);
			var targetOrder = state.quiz.ao[q.id + '>'] || (state.quiz.ao[q.id + '>'] = shuffled(targets.length, false));
			var cur = r || q.answers.map(function () { return -1; });
			order.forEach(function (i) {
				var sid = base + '-m' + i, labelId = sid + '-label';
				var select = el('select', { id: sid, disabled: review },
					[el('option', { value: '-1', text: t('chooseOne') })].concat(targetOrder.map(function (j) {
						var tg = targets[j];
						return el('option', { value: String(tg.first), text: tg.key });
					})));
				var selected = cur[i] >= 0 ? matchTargets(q).filter(function (tg) { return tg.key === matchText(q, cur[i]); })[0] : null;
				select.value = selected ? String(selected.first) : '-1';
				select.addEventListener('change', function () {
					var now = (quiz.r[q.id] || q.answers.map(function () { return -1; })).slice();
					now[i] = parseInt(select.value, 10);
					quiz.r[q.id] = now;
					touch(q);
				});
				body.appendChild(el('div', { className: 'pa-match-row' }, [
					el('label', { 'for': sid, id: labelId, html: pick(q.answers[i].text) }), select]));
			});
			break;
		}
		case 'ordering': {
			if (!r) { r = answerOrder(q).slice(); quiz.r[q.id] = r; }
			var list = el('ol', { className: 'pa-order' });
			var live = el('p', { className: 'pa-sr-only', 'aria-live': 'polite', id: base + '-live' });
			var draw = function (focusItem, focusDir) {
				list.textContent = '';
				var cur2 = quiz.r[q.id];
				cur2.forEach(function (itemIndex, p) {
					var textId = base + '-item' + itemIndex;
					var up = el('button', { type: 'button', className: 'pa-move', 'aria-describedby': textId, disabled: review || p === 0, text: t('moveUp') });
					var down = el('button', { type: 'button', className: 'pa-move', 'aria-describedby': textId, disabled: review || p === cur2.length - 1, text: t('moveDown') });
					var move = function (delta) {
						var arr = quiz.r[q.id].slice(), to = p + delta;
						if (to < 0 || to >= arr.length) return;
						arr.splice(p, 1);
						arr.splice(to, 0, itemIndex);
						quiz.r[q.id] = arr;
						touch(q);
						draw(itemIndex, delta);
						live.textContent = t('moved', { item: plain(pick(q.answers[itemIndex].text)), pos: to + 1, total: arr.length });
					};
					up.addEventListener('click', function () { move(-1); });
					down.addEventListener('click', function () { move(1); });
					list.appendChild(el('li', { className: 'pa-order-item' }, [el('div', { className: 'pa-order-row' }, [
						el('span', { className: 'pa-order-text', id: textId, html: pick(q.answers[itemIndex].text) }),
						el('span', { className: 'pa-order-moves' }, [up, down])])]));
					if (focusItem === itemIndex) {
						var target = focusDir < 0 ? (up.disabled ? down : up) : (down.disabled ? up : down);
						setTimeout(function () { target.focus(); }, 0);
					}
				});
			};
			draw(-1, 0);
			body.appendChild(list);
			body.appendChild(live);
			break;
		}
		}
		var fb = el('div', { className: 'pa-feedback', id: fbId, 'aria-live': 'polite' });
		if (review) feedbackFor(q, quiz.r[q.id]).forEach(function (n) { fb.appendChild(n); });
		fs.appendChild(fb);
		return fs;
	}

	function resultText(result) {
		var lines = [];
		if (!data.graded) {
			lines.push(lms.on ? t('surveyDone') : t('surveyDoneLocal'));
			return lines;
		}
		lines.push(t('score', { pct: Math.round(result.scaled * 100), raw: trimNumber(result.raw, 2), max: trimNumber(result.max, 2) }));
		lines.push(result.passed ? t('passed', { pass: result.pass }) : t('failed', { pass: result.pass }));
		var left = attemptsLeft();
		if (!result.passed && left !== Infinity) lines.push(left > 0 ? t('attemptsLeft', { n: left }) : t('noAttempts', { limit: data.attemptLimit }));
		return lines;
	}

	function renderQuiz(focusResult) {
		if (!quizRoot) return;
		if (timer) { clearInterval(timer); timer = null; }
		var quiz = state.quiz, review = !!quiz.sub;
		quizRoot.textContent = '';
		quizRoot.setAttribute('lang', lang);
		var info = data.graded ? t('info', { count: questions.length, pass: data.passingScore }) : t('infoSurvey', { count: questions.length });
		var attemptNo = review ? quiz.a : quiz.a + 1;
		if (data.graded) info += ' ' + (data.attemptLimit ? t('attemptOf', { n: attemptNo, limit: data.attemptLimit }) : t('attempt', { n: attemptNo }));
		quizRoot.appendChild(el('p', { className: 'pa-quiz-info', text: info }));
		var timerNode = null;
		if (!review && data.timeLimit > 0) {
			timerNode = el('p', { className: 'pa-timer' });
			quizRoot.appendChild(timerNode);
		}
		var form = el('form', { className: 'pa-form', novalidate: true });
		quiz.o.forEach(function (qi, pos) { form.appendChild(buildQuestion(questions[qi], pos, questions.length, review)); });
		var actions = el('div', { className: 'pa-actions' });
		if (!review) actions.appendChild(el('button', { type: 'submit', className: 'pa-button pa-submit', text: t('submit') }));
		form.appendChild(actions);
		form.addEventListener('submit', function (e) { e.preventDefault(); submit(false); });
		quizRoot.appendChild(form);
		var result = el('div', { className: 'pa-result', id: 'pa-result', tabindex: '-1' });
		liveNode = el('div', { className: 'pa-result-text', role: 'status' });
		result.appendChild(liveNode);
		quizRoot.appendChild(result);
		if (review && quiz.last) {
			resultText(quiz.last).forEach(function (line) { liveNode.appendChild(el('p', { text: line })); });
			var canRetry = data.graded && !quiz.last.passed && attemptsLeft() > 0;
			if (canRetry) {
				var retry = el('button', { type: 'button', className: 'pa-button pa-retry', text: t('retry') });
				retry.addEventListener('click', function () {
					newAttempt();
					save(true);
					renderQuiz(false);
					var first = quizRoot.querySelector('fieldset input, fieldset select, fieldset textarea, fieldset button');
					if (first) first.focus();
				});
				result.appendChild(retry);
			}
			if (focusResult) result.focus();
		}
		if (timerNode) {
			var deadline = quiz.start + data.timeLimit * 1000, warned = false;
			var tick = function () {
				var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
				timerNode.textContent = t('timeLeft', { t: Math.floor(left / 60) + ':' + pad(left % 60, 2) });
				if (left <= 60 && !warned) { warned = true; notice(t('oneMinute')); }
				if (left <= 0) { clearInterval(timer); timer = null; submit(true); }
			};
			tick();
			timer = setInterval(tick, 1000);
		}
	}

	function submit(timeUp) {
		var quiz = state.quiz;
		if (quiz.sub) return;
		var result = scoreAttempt();
		quiz.a += 1;
		quiz.sub = true;
		quiz.last = { raw: result.raw, max: result.max, scaled: result.scaled, passed: result.passed, pass: result.pass };
		report(result);
		var done = !data.graded || result.passed || attemptsLeft() === 0;
		setExit(done);
		save(true);
		renderQuiz(true);
		if (timeUp) notice(t('timeUp'));
	}

	function startQuiz() {
		if (!state.quiz || !state.quiz.o || state.quiz.o.length !== questions.length) {
			var used = state.quiz ? state.quiz.a || 0 : 0;
			state.quiz = { a: used };
			newAttempt();
		}
		if (!state.quiz.lt) state.quiz.lt = {};
		if (!state.quiz.sub && attemptsLeft() === 0) {
			/* Attempts used up and nothing pending: show the last result. */
			state.quiz.sub = true;
		}
		renderQuiz(false);
		if (state.quiz.sub && state.quiz.last && attemptsLeft() === 0 && data.graded && !state.quiz.last.passed) {
			notice(t('noAttempts', { limit: data.attemptLimit }));
		}
	}

	/* ---- Start ------------------------------------------------------ */

	/* Nothing left to do here: the LMS may start afresh next time. */
	function finished() {
		if (!isQuiz) return !!state.done;
		var last = state.quiz && state.quiz.last;
		return !!(state.quiz && state.quiz.sub && last && (!data.graded || last.passed || attemptsLeft() === 0));
	}

	function start() {
		var connected = lms.init();
		var resuming = false;
		if (connected) {
			var entry = lms.get(lms.v2004 ? 'cmi.entry' : 'cmi.core.entry');
			loadState(lms.get('cmi.suspend_data'));
			resuming = entry === 'resume' || !!state.s || !!state.quiz;
		}
		showLanguage(chooseLanguage());
		var select = document.getElementById('pa-lang-select');
		if (select) {
			select.addEventListener('change', function () {
				var m = matchLang(select.value);
				if (!m) return;
				state.l = m;
				showLanguage(m);
				if (isQuiz) renderQuiz(false);
				else { lastSection = -1; bookmark(); }
				save(false);
			});
		}
		if (!connected) notice(t('standalone'));
		if (isQuiz) startQuiz();
		else startLesson(resuming);
		if (connected) {
			var status = lms.get(lms.v2004 ? 'cmi.completion_status' : 'cmi.core.lesson_status');
			if (lms.v2004 && (status === 'not attempted' || status === 'unknown' || status === ''))
				lms.set('cmi.completion_status', 'incomplete');
			else if (!lms.v2004 && (status === 'not attempted' || status === ''))
				lms.set('cmi.core.lesson_status', 'incomplete');
			setExit(finished());
			save(true);
		}
		var leave = function () {
			if (commitTimer) { clearTimeout(commitTimer); commitTimer = null; writeState(); }
			lms.finish();
		};
		window.addEventListener('pagehide', leave);
		window.addEventListener('beforeunload', leave);
	}

	/* A test hook and a way for embedding pages to end the session. */
	window.Passerelle = { finish: function () { lms.finish(); }, state: function () { return state; } };

	if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
	else start();
})();
