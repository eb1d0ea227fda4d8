--
-- PostgreSQL database dump
--

\restrict lNgVCYXbq6CSrbFNN3VOGg9oaLbJ0x4SgC54DhY6DpraZ2QGHTQHnSBP19wir7U

-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: facilitator_sign_ins; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.facilitator_sign_ins (
    digest text NOT NULL,
    kind text NOT NULL,
    expires_at double precision NOT NULL
);


--
-- Name: questionnaires; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.questionnaires (
    fingerprint text NOT NULL,
    text text NOT NULL,
    path text NOT NULL,
    first_used_at text NOT NULL
);


--
-- Name: removals; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.removals (
    session_code text NOT NULL,
    completed_version bigint NOT NULL,
    removed_version bigint NOT NULL
);


--
-- Name: responses; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.responses (
    rowid bigint NOT NULL,
    token text NOT NULL,
    session_code text NOT NULL,
    status text NOT NULL,
    page integer DEFAULT 0 NOT NULL,
    fingerprint text,
    is_demo integer DEFAULT 0 NOT NULL,
    started_at text NOT NULL,
    updated_at text,
    completed_at text,
    overall double precision,
    class text,
    version bigint DEFAULT 0 NOT NULL,
    superseded_by text,
    public_id text,
    live_post integer,
    learn_new integer,
    adv_recommend integer,
    rt_follow integer,
    rel_touch integer,
    insp_follow integer,
    conv_explain integer,
    live_chat integer,
    learn_rethink integer,
    adv_review integer,
    rt_join integer,
    rel_local integer,
    insp_share integer,
    conv_enthuse integer,
    live_lurk integer,
    learn_search integer,
    adv_quiet integer,
    rt_later integer,
    rel_fade integer,
    insp_create integer,
    conv_doubt integer,
    score_living double precision,
    score_learning double precision,
    score_advocacy double precision,
    score_realtime double precision,
    score_relationships double precision,
    score_inspiration double precision,
    score_conviction double precision,
    role text,
    years text,
    platforms text
);


--
-- Name: responses_rowid_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.responses ALTER COLUMN rowid ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.responses_rowid_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: schema_migrations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.schema_migrations (
    name text NOT NULL,
    applied_at timestamp with time zone DEFAULT now() NOT NULL
);


--
-- Name: sessions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.sessions (
    code text NOT NULL,
    title text NOT NULL,
    is_open integer DEFAULT 1 NOT NULL,
    is_default integer DEFAULT 0 NOT NULL,
    revealed integer DEFAULT 1 NOT NULL,
    created_at text NOT NULL,
    version bigint DEFAULT 0 NOT NULL,
    removed bigint DEFAULT 0 NOT NULL
);


--
-- Name: signin_failures; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.signin_failures (
    at double precision NOT NULL
);


--
-- Name: signin_lock; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.signin_lock (
    id integer NOT NULL,
    locked_until double precision NOT NULL,
    level integer NOT NULL
);


--
-- Name: stage; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.stage (
    session_code text NOT NULL,
    token text NOT NULL,
    view text DEFAULT 'join'::text NOT NULL,
    view_seq integer DEFAULT 0 NOT NULL,
    threshold double precision,
    segment_id text,
    segment_value text,
    closes_at text,
    epoch integer DEFAULT 0 NOT NULL,
    hold_comparison integer DEFAULT 0 NOT NULL
);


--
-- Data for Name: facilitator_sign_ins; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.facilitator_sign_ins VALUES ('dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd', 'cookie', 9000000000);


--
-- Data for Name: questionnaires; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.questionnaires VALUES ('c25a5ca0ea85', '# Believer or Spectator: the questionnaire.
#
# Every item traces to a sentence of the essay "Want to understand the why of
# social media? Live it." (shared seed). The `source` field quotes the phrase.
# Items are shown in file order, a few per page. Reverse-keyed items describe a
# spectator''s behaviour: answering "Very often" lowers the score.
#
# Editing this file changes its fingerprint; every stored response keeps the
# fingerprint it was answered under, so two versions are never silently mixed.

title = "Believer or Spectator?"
intro = """
Do you *live* social media, or watch it from the side? Answer 21 quick questions \
about your own habits (about three minutes). There are no right answers and \
your answers are anonymous: no name, no email, no IP address is stored.
"""
threshold = 60
items_per_page = 7

[scale]
labels = ["Never", "Rarely", "Sometimes", "Often", "Very often"]

# ---------------------------------------------------------------- dimensions

[[dimensions]]
id = "living"
name = "Living it"
description = "Posting, sharing, reviewing and chatting as an everyday habit."
tips = [
  "Post one thing of your own each week for a month: a photo, a short take, a story.",
  "Reply to a stranger''s post in a community about something you care about.",
  "Turn off the urge to only scroll: like, comment or share one thing a day.",
]

[[dimensions]]
id = "learning"
name = "Learning and discovery"
description = "Using social feeds to learn constantly and see things in new ways."
tips = [
  "Follow five practitioners outside marketing whose thinking you admire.",
  "Before searching the web, search a social platform and compare what you find.",
]

[[dimensions]]
id = "advocacy"
name = "Advocacy"
description = "Supporting and recommending the brands and businesses you love."
tips = [
  "Next time a business delights you, say so publicly and tag them.",
  "Write one honest review a week; notice what makes a review useful to others.",
]

[[dimensions]]
id = "realtime"
name = "Real-time conversation"
description = "Joining conversations about events and news as they happen."
tips = [
  "Follow the hashtag of the next event you attend and post from it live.",
  "Join one breaking conversation in your industry this week, with a reply or a quote.",
]

[[dimensions]]
id = "relationships"
name = "Relationships"
description = "Keeping in touch after moving on, and finding people where you are."
tips = [
  "Message three former colleagues you have lost touch with.",
  "Join a local group or community around an interest and introduce yourself.",
]

[[dimensions]]
id = "inspiration"
name = "Inspiration"
description = "Listening to people who inspire you, and trying to inspire others."
tips = [
  "Share what you learned from someone who inspires you, and credit them.",
  "Create one original piece (a thread, a short video, a post) a month.",
  "Notice which of your posts get replies, and make more of those.",
]

[[dimensions]]
id = "conviction"
name = "Marketer''s conviction"
description = "Believing in the value of social media and being enthusiastic about your campaigns."
tips = [
  "Collect three campaigns you admire and write down why each worked.",
  "Run your next campaign''s content past your own feed first: would you share it?",
]

# ---------------------------------------------------------------- items

[[items]]
id = "live_post"
dimension = "living"
text = "In a typical week, I post something of my own (an update, photo, video or story) on a social platform."
source = "Posting to Facebook, sharing posts on Twitter"

[[items]]
id = "learn_new"
dimension = "learning"
text = "In a typical week, I learn something new for my work or life from people I follow on social media."
source = "The ''why'' is about constant learning. It''s about discoveries."

[[items]]
id = "adv_recommend"
dimension = "advocacy"
text = "I recommend brands, shops or businesses I love to my friends or followers on social media."
source = "supporting and recommending the businesses and brands we love"

[[items]]
id = "rt_follow"
dimension = "realtime"
text = "I follow events (a conference, a match, a product launch) on social media while they are happening."
source = "conversations about events and news happening right now"

[[items]]
id = "rel_touch"
dimension = "relationships"
text = "I keep in touch through social media with people I knew before I moved away or changed jobs."
source = "continuing relationships long after we have moved away"

[[items]]
id = "insp_follow"
dimension = "inspiration"
text = "I listen to people who inspire me through their posts, videos or podcasts."
source = "listening to people who inspire us"

[[items]]
id = "conv_explain"
dimension = "conviction"
text = "I explain to colleagues or clients why social media matters for their business."
source = "if you don''t really ''get'' it, how can you ever successfully use it as a marketing tool?"

[[items]]
id = "live_chat"
dimension = "living"
text = "I chat with people I have never met in person about topics we share an interest in."
source = "chatting with people I have never actually met about common-interest topics"

[[items]]
id = "learn_rethink"
dimension = "learning"
text = "A post or a thread makes me think about something in a new way."
source = "It is about thinking about things in new ways."

[[items]]
id = "adv_review"
dimension = "advocacy"
text = "I write reviews or ratings of restaurants, shops or products I have used."
source = "reviewing restaurants or shops"

[[items]]
id = "rt_join"
dimension = "realtime"
text = "I join conversations about news as it breaks, by commenting, replying or sharing."
source = "This very minute."

[[items]]
id = "rel_local"
dimension = "relationships"
text = "I use social media to find like-minded people where I live or work now."
source = "finding people we like where we are now"

[[items]]
id = "insp_share"
dimension = "inspiration"
text = "I share things in the hope of inspiring the people I am connected with."
source = "trying to inspire those with whom we share"

[[items]]
id = "conv_enthuse"
dimension = "conviction"
text = "I feel genuinely enthusiastic about the social media campaigns I work on or follow."
source = "How can you ever be truly enthusiastic about your campaign?"

[[items]]
id = "live_lurk"
dimension = "living"
text = "I scroll through my feeds without posting, liking or commenting."
source = "if you are not actively engaged, you will never really, truly understand the why"
reverse = true

[[items]]
id = "learn_search"
dimension = "learning"
text = "When I want to know about something, I look first at what people are saying about it on social platforms."
source = "having instant access to just about anything we want to learn about"

[[items]]
id = "adv_quiet"
dimension = "advocacy"
text = "When a brand delights me, I keep it to myself rather than saying so online."
source = "supporting and recommending the businesses and brands we love"
reverse = true

[[items]]
id = "rt_later"
dimension = "realtime"
text = "I hear about news and events only after they are over."
source = "events and news happening right now... This very minute."
reverse = true

[[items]]
id = "rel_fade"
dimension = "relationships"
text = "I lose touch with people once we no longer see each other in person."
source = "continuing relationships long after we have moved away"
reverse = true

[[items]]
id = "insp_create"
dimension = "inspiration"
text = "I create original content (writing, photos, video) rather than only sharing other people''s."
source = "trying to inspire those with whom we share"

[[items]]
id = "conv_doubt"
dimension = "conviction"
text = "I doubt that the time a brand spends on social media brings it real value."
source = "when we hear people say there is no value in our activity"
reverse = true

# ---------------------------------------------------------------- profile
# Optional: never required, shown on the last page.

[[profile]]
id = "role"
text = "Your role"
kind = "single"
options = ["Brand / in-house", "Agency", "Freelance", "Student", "Other"]

[[profile]]
id = "years"
text = "Years in marketing"
kind = "single"
options = ["Less than 2", "2 to 5", "6 to 10", "More than 10"]

[[profile]]
id = "platforms"
text = "Platforms you use personally"
kind = "multi"
options = ["Facebook", "Instagram", "LinkedIn", "X / Twitter", "TikTok", "YouTube", "Reddit", "Pinterest", "Other"]
', '/work/main/data/questionnaire.toml', '2026-12-03T17:28:15.850Z');


--
-- Data for Name: removals; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.removals VALUES ('HEADS', 1, 3);
INSERT INTO public.removals VALUES ('HEADS', 4, 5);


--
-- Data for Name: responses; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.responses OVERRIDING SYSTEM VALUE VALUES (1, 'tok-complete', 'SHARE', 'complete', 3, 'c25a5ca0ea85', 0, '2026-12-03T17:28:15.855Z', '2026-12-03T17:28:15.855Z', '2026-12-03T17:28:15.855Z', 63.095238095238095, 'believer', 1, NULL, 'r5b206bf4b468dcaf', 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 58.333333333333336, 75, 58.333333333333336, 58.333333333333336, 58.333333333333336, 75, 58.333333333333336, NULL, NULL, NULL);
INSERT INTO public.responses OVERRIDING SYSTEM VALUE VALUES (2, 'tok-started', 'SHARE', 'in_progress', 0, 'c25a5ca0ea85', 0, '2026-12-03T17:28:15.976Z', '2026-12-03T17:28:15.976Z', NULL, NULL, NULL, 2, NULL, 're1e663bfb86f7aa7', 2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
INSERT INTO public.responses OVERRIDING SYSTEM VALUE VALUES (4, 'tok-retake', 'HEADS', 'complete', 3, 'c25a5ca0ea85', 0, '2026-12-03T17:28:15.982Z', '2026-12-03T17:28:15.982Z', '2026-12-03T17:28:15.982Z', 36.904761904761905, 'spectator', 2, NULL, 'rd1e9ea960bca5ae8', 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 41.666666666666664, 25, 41.666666666666664, 41.666666666666664, 41.666666666666664, 25, 41.666666666666664, NULL, NULL, NULL);
INSERT INTO public.responses OVERRIDING SYSTEM VALUE VALUES (3, 'tok-first', 'HEADS', 'superseded', 3, 'c25a5ca0ea85', 0, '2026-12-03T17:28:15.981Z', '2026-12-03T17:28:15.981Z', '2026-12-03T17:28:15.981Z', 63.095238095238095, 'believer', 3, 'tok-retake', 'r13dd3b978415e280', 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 58.333333333333336, 75, 58.333333333333336, 58.333333333333336, 58.333333333333336, 75, 58.333333333333336, NULL, NULL, NULL);


--
-- Data for Name: schema_migrations; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.schema_migrations VALUES ('m001_sessions_and_responses', '2026-12-03 17:28:15.735408+00');
INSERT INTO public.schema_migrations VALUES ('m002_signin_failures', '2026-12-03 17:28:15.735408+00');
INSERT INTO public.schema_migrations VALUES ('m003_participant_choices', '2026-12-03 17:28:15.735408+00');
INSERT INTO public.schema_migrations VALUES ('m004_public_ids', '2026-12-03 17:28:15.735408+00');
INSERT INTO public.schema_migrations VALUES ('m005_stage_settings', '2026-12-03 17:28:15.735408+00');
INSERT INTO public.schema_migrations VALUES ('m006_questionnaire_versions', '2026-12-03 17:28:15.735408+00');
INSERT INTO public.schema_migrations VALUES ('m007_hold_comparison', '2026-12-03 17:28:15.735408+00');
INSERT INTO public.schema_migrations VALUES ('m008_text_public_ids', '2026-12-03 17:28:15.735408+00');
INSERT INTO public.schema_migrations VALUES ('m009_removals', '2026-12-03 17:28:15.735408+00');
INSERT INTO public.schema_migrations VALUES ('m010_facilitator_sign_ins', '2026-12-03 17:28:15.735408+00');


--
-- Data for Name: sessions; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.sessions VALUES ('SHARE', 'Open session', 1, 1, 1, '2026-12-03T17:28:15.851Z', 2, 0);
INSERT INTO public.sessions VALUES ('HEADS', 'Workshop', 1, 0, 0, '2026-12-03T17:28:15.980Z', 5, 2);


--
-- Data for Name: signin_failures; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.signin_failures VALUES (100);


--
-- Data for Name: signin_lock; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.signin_lock VALUES (1, 200, 1);


--
-- Data for Name: stage; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.stage VALUES ('HEADS', 'BfbM6cMFJz5NFjYFB47f2yQqO6t6rUojaxG2SZLRCRw', 'split', 1, 55.5, NULL, NULL, NULL, 0, 0);


--
-- Name: responses_rowid_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.responses_rowid_seq', 5, true);


--
-- Name: facilitator_sign_ins facilitator_sign_ins_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.facilitator_sign_ins
    ADD CONSTRAINT facilitator_sign_ins_pkey PRIMARY KEY (digest);


--
-- Name: questionnaires questionnaires_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.questionnaires
    ADD CONSTRAINT questionnaires_pkey PRIMARY KEY (fingerprint);


--
-- Name: responses responses_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.responses
    ADD CONSTRAINT responses_pkey PRIMARY KEY (token);


--
-- Name: responses responses_rowid_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.responses
    ADD CONSTRAINT responses_rowid_key UNIQUE (rowid);


--
-- Name: schema_migrations schema_migrations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.schema_migrations
    ADD CONSTRAINT schema_migrations_pkey PRIMARY KEY (name);


--
-- Name: sessions sessions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sessions
    ADD CONSTRAINT sessions_pkey PRIMARY KEY (code);


--
-- Name: signin_lock signin_lock_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.signin_lock
    ADD CONSTRAINT signin_lock_pkey PRIMARY KEY (id);


--
-- Name: stage stage_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.stage
    ADD CONSTRAINT stage_pkey PRIMARY KEY (session_code);


--
-- Name: idx_responses_public_id; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX idx_responses_public_id ON public.responses USING btree (public_id);


--
-- Name: idx_responses_session_status_overall; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_responses_session_status_overall ON public.responses USING btree (session_code, status, overall);


--
-- Name: idx_responses_session_version; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_responses_session_version ON public.responses USING btree (session_code, version);


--
-- Name: removals_session_code; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX removals_session_code ON public.removals USING btree (session_code);


--
-- Name: responses responses_session_code_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.responses
    ADD CONSTRAINT responses_session_code_fkey FOREIGN KEY (session_code) REFERENCES public.sessions(code);


--
-- Name: stage stage_session_code_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.stage
    ADD CONSTRAINT stage_session_code_fkey FOREIGN KEY (session_code) REFERENCES public.sessions(code) ON DELETE CASCADE;


--
-- PostgreSQL database dump complete
--

\unrestrict lNgVCYXbq6CSrbFNN3VOGg9oaLbJ0x4SgC54DhY6DpraZ2QGHTQHnSBP19wir7U

