BEGIN TRANSACTION;
CREATE TABLE "_sqlite_migrations" (
   "id" INTEGER PRIMARY KEY,
   "migration_set" TEXT,
   "name" TEXT,
   "applied_at" TEXT
);
INSERT INTO "_sqlite_migrations" VALUES(1,'believer_or_spectator','m001_sessions_and_responses','2026-12-03 17:28:12.141309+00:00');
INSERT INTO "_sqlite_migrations" VALUES(2,'believer_or_spectator','m002_signin_failures','2026-12-03 17:28:12.141766+00:00');
INSERT INTO "_sqlite_migrations" VALUES(3,'believer_or_spectator','m003_participant_choices','2026-12-03 17:28:12.142386+00:00');
INSERT INTO "_sqlite_migrations" VALUES(4,'believer_or_spectator','m004_public_ids','2026-12-03 17:28:12.143066+00:00');
INSERT INTO "_sqlite_migrations" VALUES(5,'believer_or_spectator','m005_stage_settings','2026-12-03 17:28:12.143250+00:00');
INSERT INTO "_sqlite_migrations" VALUES(6,'believer_or_spectator','m006_questionnaire_versions','2026-12-03 17:28:12.143406+00:00');
INSERT INTO "_sqlite_migrations" VALUES(7,'believer_or_spectator','m007_hold_comparison','2026-12-03 17:28:12.143641+00:00');
INSERT INTO "_sqlite_migrations" VALUES(8,'believer_or_spectator','m008_text_public_ids','2026-12-03 17:28:12.143753+00:00');
INSERT INTO "_sqlite_migrations" VALUES(9,'believer_or_spectator','m009_removals','2026-12-03 17:28:12.167887+00:00');
INSERT INTO "_sqlite_migrations" VALUES(10,'believer_or_spectator','m010_facilitator_sign_ins','2026-12-03 17:28:12.168382+00:00');
CREATE TABLE facilitator_sign_ins (
            digest TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            expires_at REAL NOT NULL
        );
INSERT INTO "facilitator_sign_ins" VALUES('dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd','cookie',9000000000.0);
CREATE TABLE questionnaires (
            fingerprint TEXT PRIMARY KEY,
            text TEXT NOT NULL,
            path TEXT NOT NULL,
            first_used_at TEXT NOT NULL
        );
INSERT INTO "questionnaires" VALUES('c25a5ca0ea85','# Believer or Spectator: the questionnaire.
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
','/work/main/data/questionnaire.toml','2026-12-03T17:28:12.199Z');
CREATE TABLE "removals" (
   "session_code" TEXT NOT NULL,
   "completed_version" INTEGER NOT NULL,
   "removed_version" INTEGER NOT NULL
);
INSERT INTO "removals" VALUES('HEADS',1,3);
INSERT INTO "removals" VALUES('HEADS',4,5);
CREATE TABLE "responses" (
   "token" TEXT PRIMARY KEY,
   "session_code" TEXT NOT NULL REFERENCES "sessions"("code"),
   "status" TEXT NOT NULL,
   "page" INTEGER NOT NULL DEFAULT 0,
   "fingerprint" TEXT,
   "is_demo" INTEGER NOT NULL DEFAULT 0,
   "started_at" TEXT NOT NULL,
   "updated_at" TEXT,
   "completed_at" TEXT,
   "overall" REAL,
   "class" TEXT,
   "version" INTEGER NOT NULL DEFAULT 0
, "superseded_by" TEXT, "public_id" TEXT, "live_post" INTEGER, "learn_new" INTEGER, "adv_recommend" INTEGER, "rt_follow" INTEGER, "rel_touch" INTEGER, "insp_follow" INTEGER, "conv_explain" INTEGER, "live_chat" INTEGER, "learn_rethink" INTEGER, "adv_review" INTEGER, "rt_join" INTEGER, "rel_local" INTEGER, "insp_share" INTEGER, "conv_enthuse" INTEGER, "live_lurk" INTEGER, "learn_search" INTEGER, "adv_quiet" INTEGER, "rt_later" INTEGER, "rel_fade" INTEGER, "insp_create" INTEGER, "conv_doubt" INTEGER, "score_living" FLOAT, "score_learning" FLOAT, "score_advocacy" FLOAT, "score_realtime" FLOAT, "score_relationships" FLOAT, "score_inspiration" FLOAT, "score_conviction" FLOAT, "role" TEXT, "years" TEXT, "platforms" TEXT);
INSERT INTO "responses" VALUES('tok-complete','SHARE','complete',3,'c25a5ca0ea85',0,'2026-12-03T17:28:12.222Z','2026-12-03T17:28:12.222Z','2026-12-03T17:28:12.222Z',6.30952380952380949014e+01,'believer',1,NULL,'r603154146c8cad81',4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,5.83333333333333357026e+01,75.0,5.83333333333333357026e+01,5.83333333333333357026e+01,5.83333333333333357026e+01,75.0,5.83333333333333357026e+01,NULL,NULL,NULL);
INSERT INTO "responses" VALUES('tok-started','SHARE','in_progress',0,'c25a5ca0ea85',0,'2026-12-03T17:28:12.223Z','2026-12-03T17:28:12.223Z',NULL,NULL,NULL,2,NULL,'r5d09480911db95b2',2,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "responses" VALUES('tok-first','HEADS','superseded',3,'c25a5ca0ea85',0,'2026-12-03T17:28:12.224Z','2026-12-03T17:28:12.224Z','2026-12-03T17:28:12.224Z',6.30952380952380949014e+01,'believer',3,'tok-retake','ra43b62699a9e0db8',4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,5.83333333333333357026e+01,75.0,5.83333333333333357026e+01,5.83333333333333357026e+01,5.83333333333333357026e+01,75.0,5.83333333333333357026e+01,NULL,NULL,NULL);
INSERT INTO "responses" VALUES('tok-retake','HEADS','complete',3,'c25a5ca0ea85',0,'2026-12-03T17:28:12.224Z','2026-12-03T17:28:12.224Z','2026-12-03T17:28:12.224Z',3.69047619047619051006e+01,'spectator',2,NULL,'r3babf7007492b81e',2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,4.16666666666666642973e+01,25.0,4.16666666666666642973e+01,4.16666666666666642973e+01,4.16666666666666642973e+01,25.0,4.16666666666666642973e+01,NULL,NULL,NULL);
CREATE TABLE "sessions" (
   "code" TEXT PRIMARY KEY,
   "title" TEXT NOT NULL,
   "is_open" INTEGER NOT NULL DEFAULT 1,
   "is_default" INTEGER NOT NULL DEFAULT 0,
   "revealed" INTEGER NOT NULL DEFAULT 1,
   "created_at" TEXT NOT NULL,
   "version" INTEGER NOT NULL DEFAULT 0
, "removed" INTEGER NOT NULL DEFAULT 0);
INSERT INTO "sessions" VALUES('SHARE','Open session',1,1,1,'2026-12-03T17:28:12.199Z',2,0);
INSERT INTO "sessions" VALUES('HEADS','Workshop',1,0,0,'2026-12-03T17:28:12.223Z',5,2);
CREATE TABLE "signin_failures" (
   "at" REAL NOT NULL
);
INSERT INTO "signin_failures" VALUES(100.0);
CREATE TABLE "signin_lock" (
   "id" INTEGER PRIMARY KEY,
   "locked_until" REAL NOT NULL,
   "level" INTEGER NOT NULL
);
INSERT INTO "signin_lock" VALUES(1,200.0,1);
CREATE TABLE stage (
            session_code TEXT PRIMARY KEY REFERENCES sessions(code) ON DELETE CASCADE,
            token TEXT NOT NULL,
            view TEXT NOT NULL DEFAULT 'join',
            view_seq INTEGER NOT NULL DEFAULT 0,
            threshold REAL,
            segment_id TEXT,
            segment_value TEXT,
            closes_at TEXT,
            epoch INTEGER NOT NULL DEFAULT 0
        , hold_comparison INTEGER NOT NULL DEFAULT 0);
INSERT INTO "stage" VALUES('HEADS','efprb6otRdKX0CTkI68N0gEMWBrc-B1mdh8bqMxJKzg','split',1,55.5,NULL,NULL,NULL,0,0);
CREATE UNIQUE INDEX "idx__sqlite_migrations_migration_set_name"
    ON "_sqlite_migrations" ("migration_set", "name");
CREATE INDEX "idx_responses_session_code_version"
    ON "responses" ("session_code", "version");
CREATE INDEX "idx_responses_session_code_status_overall"
    ON "responses" ("session_code", "status", "overall");
CREATE UNIQUE INDEX "idx_responses_public_id"
    ON "responses" ("public_id");
CREATE INDEX "idx_removals_session_code"
    ON "removals" ("session_code");
COMMIT;
