--
-- PostgreSQL database dump
--

\restrict 8W01iLNpsqTLW2blWOsM4RbIdrEnCNjCVtZCqOcmRBu3hPXk8qcFNENxmp2yvC0

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

--
-- Name: order_status; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE public.order_status AS ENUM (
    'pending',
    'paid',
    'shipped',
    'refunded'
);


--
-- Name: order_total(integer); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.order_total(p_order integer) RETURNS numeric
    LANGUAGE sql STABLE
    AS $$
  SELECT coalesce(sum(quantity * unit_price), 0) FROM public.order_item WHERE order_id = p_order;
$$;


SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: address; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.address (
    address_id integer NOT NULL,
    customer_id integer NOT NULL,
    street text NOT NULL,
    city text NOT NULL,
    postcode text NOT NULL,
    country character(2) NOT NULL
);


--
-- Name: customer; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.customer (
    customer_id integer NOT NULL,
    first_name text NOT NULL,
    last_name text NOT NULL,
    email text NOT NULL,
    phone text,
    birth_date date,
    created_at timestamp with time zone NOT NULL,
    preferences jsonb,
    full_name text GENERATED ALWAYS AS (((first_name || ' '::text) || last_name)) STORED
);


--
-- Name: order; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public."order" (
    order_id integer NOT NULL,
    customer_id integer NOT NULL,
    status public.order_status NOT NULL,
    ordered_at timestamp with time zone NOT NULL,
    shipping_address_id integer,
    note text
);


--
-- Name: order_item; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.order_item (
    order_id integer NOT NULL,
    product_id integer NOT NULL,
    quantity integer NOT NULL,
    unit_price numeric(10,2) NOT NULL
);


--
-- Name: payment; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.payment (
    payment_id integer NOT NULL,
    order_id integer NOT NULL,
    card_number text NOT NULL,
    card_holder text NOT NULL,
    amount numeric(10,2) NOT NULL,
    paid_at timestamp with time zone NOT NULL
);


--
-- Name: product; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.product (
    product_id integer NOT NULL,
    name text NOT NULL,
    description text,
    price numeric(10,2) NOT NULL,
    tags text[]
);


--
-- Name: session_log; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.session_log (
    id bigint NOT NULL,
    customer_id integer,
    ip inet,
    user_agent text,
    at timestamp with time zone NOT NULL
);


--
-- Name: session_log_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.session_log_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: session_log_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.session_log_id_seq OWNED BY public.session_log.id;


--
-- Name: session_log id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.session_log ALTER COLUMN id SET DEFAULT nextval('public.session_log_id_seq'::regclass);


--
-- Data for Name: address; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.address (address_id, customer_id, street, city, postcode, country) FROM stdin;
1	14	13190 Tyler Vista Apt. 970	Lake Matthew	07680	US
2	61	260 Luke Field Apt. 284	Christopherfurt	33927	US
3	44	686 Kurt Gateway Suite 684	Jameston	27699	US
4	62	7925 Gonzalez Squares Apt. 508	South Stephaniemouth	05129	FR
5	116	74339 Sullivan Stream Suite 330	South Michele	16814	FR
6	108	19720 Tyrone Spring	Laurieside	21335	US
7	62	381 Davis Tunnel	North Robertview	93065	GB
8	103	620 Bobby Villages Suite 439	Jasmineberg	41076	US
9	107	8323 Mccann Islands Suite 243	East Stevenburgh	56843	US
10	117	610 Martinez Fords Apt. 475	Port Kimberlyland	26782	DE
11	101	4998 James Mountains Suite 394	New Caroltown	45628	US
12	62	40255 Castillo Isle	Haroldport	09600	US
13	56	81296 Johnson Canyon Apt. 626	Charlesburgh	47613	GB
14	12	150 Turner Green	North Natashaville	20564	DE
15	60	8815 Sanchez Port Apt. 845	West Richard	27168	DE
16	96	88310 Sherry Overpass	Lake Julia	11909	US
17	93	40669 Kelly Crest	Lake Bethbury	32424	US
18	22	19510 Christine Square	Port Kevin	11511	US
19	4	205 Buchanan Bypass Apt. 328	East Lauren	18899	US
20	76	35107 Tyler Tunnel	Rebeccaland	26589	DE
21	104	6159 Linda Park	Taylorport	07418	US
22	79	926 Bryan Tunnel Suite 981	Port Kristinview	98898	FR
23	61	39783 Andrews Spur	South Elizabethfurt	82651	GB
24	20	6135 Mcguire Avenue Suite 790	Port Thomaschester	79767	FR
25	71	2583 Michael Vista Suite 904	Christopherview	25049	US
26	3	8313 Nicholas Ferry Suite 452	Garystad	80486	US
27	103	7589 Melissa Estates Suite 800	North Sierra	60082	US
28	68	518 Taylor Terrace Suite 618	Seanport	47925	US
29	56	680 Snyder Square Apt. 018	Westhaven	20462	US
30	106	57204 Jacob Ports Apt. 629	Courtneybury	38665	US
31	4	8616 Mccarty Station	Hannahview	42994	GB
32	28	708 English Flats	East Kylehaven	22872	GB
33	65	94652 Parker Mountains Apt. 957	Rodriguezview	47921	US
34	98	6741 Sara Road Suite 862	Bradleyview	99732	FR
35	42	861 Myers Stravenue Suite 841	Shannontown	05918	GB
36	70	9543 Nancy Court Suite 142	Lake Cynthia	91204	DE
37	107	6566 Shaffer Keys	Lake Monica	70204	US
38	8	423 Maldonado Loop Apt. 809	New Ryan	28542	GB
39	115	223 Vincent Haven Apt. 642	Salazarview	93827	DE
40	85	984 Rebecca Inlet	West Ericaland	47649	FR
41	105	811 Robinson Mount	South Joshua	08247	FR
42	54	890 Amanda Mountain Apt. 734	Tamihaven	75009	FR
43	17	83498 Jeffrey Extensions	Port Williamchester	49575	FR
44	20	419 Ricardo Passage	Perezton	49174	FR
45	66	417 Ryan Springs Suite 359	North Richard	37539	US
46	112	80733 Harris Throughway	Julietown	97407	DE
47	100	53608 Grant Road	New Crystal	46974	US
48	78	02560 Mejia Junctions Apt. 257	Ewingmouth	42250	US
49	100	18948 Clark Glen Apt. 348	Schroederfurt	21597	US
50	23	20139 Johnson Via Apt. 703	Port Marcusside	61025	US
51	61	303 Rebecca Light Apt. 192	South Stephen	77248	FR
52	93	90726 Jennifer Mountains Suite 921	Georgeland	92216	US
53	72	06930 Clayton Flats	North Stevenfurt	32017	US
54	42	089 Baker Drives	Smithville	93559	FR
55	68	28298 Rodriguez Turnpike	Hendrickstown	09956	FR
56	62	188 Janice Shore	Stephentown	73888	US
57	114	28731 Emily Creek	New Aprilville	12014	FR
58	8	15444 Hernandez Rest	Kaylatown	10836	US
59	25	19386 Terrell Ridge	Port Jessica	10961	GB
60	6	02602 Alexander Squares	West Kristin	46177	US
61	65	6127 Tina Shoal	Farmermouth	36440	DE
62	72	68053 Mccall Isle	Port Kellibury	45409	US
63	98	210 Coleman Junction	Calebville	60536	US
64	57	80836 Deborah Forge	Karitown	94125	GB
65	79	1297 Hannah Summit Suite 635	Susanland	91091	FR
66	78	499 Diana Rapid	Lake Peterland	08881	FR
67	26	015 Douglas Creek	Wonghaven	90618	GB
68	58	2144 Ortiz Spurs Apt. 717	Marcusborough	04524	FR
69	69	13554 Megan Cliffs Apt. 294	Henryberg	63597	DE
70	65	64199 Bryan Hill	West Melissaberg	47080	US
71	90	225 Wood Expressway Apt. 324	Randolphtown	29858	FR
72	113	65374 Brent Shore	Copelandbury	37442	GB
73	119	7711 Peters Overpass	South Davidfort	23283	FR
74	115	7013 Joseph Mills	Allenmouth	73218	US
75	108	83739 Rodriguez Meadows	East Adriennehaven	41955	DE
76	18	17477 Charles Mission	Coreyview	87393	DE
77	16	17742 Courtney Valleys Apt. 708	Port Victor	79790	DE
78	57	526 Yang Walks	Dianaburgh	92220	GB
79	10	97173 Justin Dam	West Kaitlyn	76955	US
80	55	60205 Hall Neck	Williamfort	88658	US
81	28	337 Kyle Tunnel	Nelsonmouth	04664	GB
82	101	56095 John Villages Apt. 294	Alvarezside	93789	US
83	115	43814 Hernandez Dam Apt. 950	East Roberto	11016	US
84	92	4932 Faulkner Station Suite 106	North Rebeccaland	38376	GB
85	19	61864 Sean Parks	Rachelside	25756	GB
86	114	94962 Schneider Loop Suite 841	New Faithborough	88595	US
87	60	77527 Floyd Fort Suite 138	Moralesberg	98444	US
88	96	5675 Whitney Route	West Daniel	67332	US
89	51	9617 Dunlap Ports	Michaelchester	41722	DE
90	21	0265 Sydney Trafficway	Maryborough	83677	US
91	21	935 Wong Estates	New Spencershire	06481	DE
92	66	98684 Chad Avenue	North Heather	01016	DE
93	44	24300 Christopher Corners	East Terry	10114	DE
94	26	4674 Brown Corner Suite 241	New Brianview	17771	GB
95	41	8723 Karen Villages Suite 640	West Laura	62426	US
96	93	92377 Cindy Views	Cunninghamberg	02224	GB
97	3	317 Karen Parkway	Boydmouth	95453	GB
98	71	30384 Danielle Spurs	Mendezburgh	27323	DE
99	57	422 Jeremy Trail Suite 465	Brianmouth	12184	US
100	50	58322 Steven Flat Suite 188	Ginafort	69872	GB
101	67	11966 Jones Unions Apt. 757	Townsendstad	70622	FR
102	38	590 Kayla Corners Suite 208	North Steven	81679	FR
103	9	1568 Duane Square	Lake Tabithaton	04680	US
104	118	281 Leslie Viaduct Suite 232	Hubbardchester	93287	US
105	113	1378 Christopher Streets Suite 732	Katherinefurt	94353	US
106	11	237 Michelle Passage	Leahtown	33944	GB
107	35	295 Thompson Summit Suite 360	Port Jessestad	01866	US
108	116	005 Melinda Viaduct Suite 545	Prestonport	14950	US
109	35	69302 Lisa Glen	Oscarport	18011	US
110	105	505 Melanie Wells	Port Shawna	98051	DE
111	109	757 Casey Ways	Lake Matthew	33183	GB
112	52	15003 Jones Cliff	Figueroaborough	61065	US
113	69	7649 Flores Key Suite 591	South Seantown	87734	FR
114	74	35851 Steven Port	Johnsonberg	56772	DE
115	90	84851 Laura Rapids	East Michaelchester	21176	GB
116	12	163 Turner Isle Apt. 788	Lake Monicafurt	74045	GB
117	8	08195 Sandra Fords	New Melissaborough	67452	US
118	55	83227 Rodney Rapids Suite 943	Robinsonmouth	07599	US
119	35	52384 Zachary Extensions	New Gregory	26977	US
120	82	793 Huff Manors	South Sherrymouth	11817	US
121	103	625 Jackson Forge	Rickybury	26567	GB
122	11	65964 Martin Forge	Millerborough	77798	FR
123	110	84267 Mack Ramp Suite 747	South Brittany	19460	US
124	9	15616 Michael Manors	Michaelfurt	85107	GB
125	111	9800 Gomez Roads	Craneport	21009	US
126	59	256 Lawrence Springs	West Laurie	21001	US
127	44	241 Priscilla Union Apt. 957	Simpsonstad	68850	FR
128	54	8857 Marvin Loaf	Alvinfurt	09308	GB
129	80	804 Roberts Park Apt. 601	East Brian	18927	US
130	6	3306 Martinez Stravenue	East Andrealand	19973	FR
131	91	07661 Carla Hollow Apt. 102	North Andrewburgh	15225	US
132	15	12395 Michael Walks Suite 566	Seanfort	03708	US
133	34	22507 Krista Plaza	South Scotttown	79276	US
134	24	682 Robin Points Apt. 726	Lake Debbie	66077	US
135	120	6396 Cook Neck	West Patty	25517	GB
136	81	90955 Owen Junction Apt. 987	Micheleland	64993	GB
137	68	61964 Bush Avenue	New Kimberlyville	49842	US
138	38	96741 Wong Court Apt. 743	Lake Jonathanstad	27461	DE
139	65	475 Vega Square Suite 102	Brianside	97094	US
140	35	6348 Sean Burg	North Melissaton	28735	GB
141	103	714 Larsen Rest Apt. 212	Matthewburgh	29746	US
142	33	44032 Maddox Trail Apt. 689	Lewischester	62059	US
143	2	063 Castillo Pines Apt. 428	New Lucasburgh	18470	US
144	94	7495 Angela Track Suite 251	Noahville	18895	FR
145	71	456 Lee Burgs Suite 371	Spencerstad	74297	US
146	66	3825 Cassandra Hills Suite 391	Smithside	09795	DE
147	32	813 Gabrielle Courts	Lake Beverly	88002	DE
148	14	0614 Woodard Square	New Robertshire	70331	DE
149	85	93231 Sarah Grove	Emilyfurt	53594	DE
150	70	96148 Ronald Ways	North Victoriachester	82196	DE
\.


--
-- Data for Name: customer; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.customer (customer_id, first_name, last_name, email, phone, birth_date, created_at, preferences) FROM stdin;
1	Mario	Hernandez	mario.hernandez1@hotmail.com	(861)231-8609x13909	2007-03-03	2024-01-16 14:48:01.063281+00	{"contact": {"phone": "2183159083", "language": "en"}, "newsletter": false}
2	Michele	Roberts	michele.roberts2@gmail.com	881-790-9378	1969-11-21	2026-09-03 09:47:56.864899+00	{"contact": {"phone": "+1-519-748-2199", "language": "fr"}, "newsletter": false}
3	Michael	Wright	michael.wright3@gmail.com	(752)776-0189	1986-08-29	2025-09-07 20:06:48.894467+00	{"contact": {"phone": "001-331-894-8757x491", "language": "en"}, "newsletter": true}
4	Bethany	Bryant	bethany.bryant4@gmail.com	+1-417-903-4236x671	1965-03-22	2024-09-26 00:12:57.301903+00	{"contact": {"phone": "771-404-9746x507", "language": "de"}, "newsletter": true}
5	Derrick	Jordan	derrick.jordan5@hotmail.com	240-926-8599x528	2001-07-27	2026-03-30 04:52:42.918798+00	{"contact": {"phone": "965-463-2122x330", "language": "fr"}, "newsletter": true}
6	Nancy	Yates	nancy.yates6@yahoo.com	309-528-1590	1980-09-23	2024-05-07 08:16:34.344776+00	{"contact": {"phone": "(766)217-6031x3721", "language": "en"}, "newsletter": true}
7	Johnny	Reed	johnny.reed7@yahoo.com	403.785.2808x41485	1992-04-02	2025-07-02 03:32:02.04987+00	{"contact": {"phone": "911.477.7741x2154", "language": "de"}, "newsletter": true}
8	Kimberly	Rivera	kimberly.rivera8@gmail.com	595.975.5131	1950-04-05	2024-07-07 12:15:57.81102+00	{"contact": {"phone": "+1-933-663-3875x004", "language": "en"}, "newsletter": false}
9	Claire	Mccullough	claire.mccullough9@gmail.com	001-422-420-2972x9975	1937-06-18	2026-04-20 10:43:03.563648+00	{"contact": {"phone": "851.316.3726x5167", "language": "en"}, "newsletter": true}
10	Jessica	Garcia	jessica.garcia10@hotmail.com	486-220-5798x682	1999-08-14	2026-03-26 09:48:08.405327+00	{"contact": {"phone": "(563)730-4348", "language": "en"}, "newsletter": false}
11	Charlotte	Parsons	charlotte.parsons11@gmail.com	+1-203-334-0187	1968-04-04	2025-09-27 17:37:11.21669+00	{"contact": {"phone": "(927)391-8058", "language": "en"}, "newsletter": true}
12	William	Hunt	william.hunt12@hotmail.com	667-351-3613	2001-05-21	2024-05-13 19:19:42.99708+00	{"contact": {"phone": "478-887-8384x837", "language": "fr"}, "newsletter": true}
13	Jennifer	Keller	jennifer.keller13@gmail.com	(635)351-5058x77065	1944-02-21	2026-08-29 01:07:13.444444+00	{"contact": {"phone": "827-731-6723x268", "language": "en"}, "newsletter": false}
14	Jeremy	Walter	jeremy.walter14@gmail.com	640-326-1401	1980-04-19	2024-07-27 06:31:39.64579+00	{"contact": {"phone": "940-724-2646x288", "language": "en"}, "newsletter": true}
15	Joseph	Martinez	joseph.martinez15@gmail.com	+1-248-234-7824x5040	1989-06-01	2025-07-22 08:53:44.567044+00	{"contact": {"phone": "586-649-2083x12402", "language": "de"}, "newsletter": true}
16	Jaime	Wells	jaime.wells16@yahoo.com	001-326-850-2014x620	1999-06-15	2025-11-30 07:16:02.486021+00	{"contact": {"phone": "767-586-8433", "language": "en"}, "newsletter": false}
17	Julian	Allen	julian.allen17@yahoo.com	304.935.2056	1956-04-06	2025-11-14 09:17:17.319011+00	{"contact": {"phone": "7727247045", "language": "fr"}, "newsletter": true}
18	John	Parsons	john.parsons18@gmail.com	001-257-524-9208x68288	1942-02-10	2024-01-11 10:39:42.842538+00	{"contact": {"phone": "412-869-0604x431", "language": "fr"}, "newsletter": false}
19	Dana	Chung	dana.chung19@yahoo.com	001-674-214-3337x7617	1980-12-09	2025-10-30 20:43:13.574111+00	{"contact": {"phone": "380.308.3740x718", "language": "en"}, "newsletter": true}
20	Chris	Hernandez	chris.hernandez20@yahoo.com	377.918.3417x047	2008-06-18	2025-01-23 10:51:42.471378+00	{"contact": {"phone": "+1-649-692-0707x4137", "language": "de"}, "newsletter": true}
21	Sabrina	Arias	sabrina.arias21@gmail.com	001-653-477-6020x776	1966-04-14	2025-01-11 16:22:16.010619+00	{"contact": {"phone": "001-612-384-5298", "language": "fr"}, "newsletter": true}
22	David	Rivera	david.rivera22@yahoo.com	001-740-841-0423x46853	2000-06-15	2026-05-04 06:12:05.74961+00	{"contact": {"phone": "001-756-813-0445x16691", "language": "fr"}, "newsletter": true}
23	Crystal	Gentry	crystal.gentry23@hotmail.com	+1-622-876-5444	1983-10-16	2024-10-21 04:58:43.246597+00	{"contact": {"phone": "+1-931-206-7924", "language": "fr"}, "newsletter": true}
24	Angela	Foster	angela.foster24@gmail.com	525-281-5354	1990-08-17	2025-02-20 20:50:14.482108+00	{"contact": {"phone": "+1-521-538-7837x5762", "language": "de"}, "newsletter": true}
25	Robert	Warren	robert.warren25@yahoo.com	(367)864-0206x7970	2003-10-23	2026-09-08 13:54:16.551084+00	{"contact": {"phone": "650-574-9528x831", "language": "de"}, "newsletter": false}
26	Allison	Mcdonald	allison.mcdonald26@yahoo.com	(339)304-2486	1941-01-13	2025-06-23 05:03:38.771749+00	{"contact": {"phone": "213.222.8171", "language": "fr"}, "newsletter": false}
27	Brandi	Hughes	brandi.hughes27@gmail.com	(240)703-7614x36537	1988-05-04	2024-12-27 13:49:48.516397+00	{"contact": {"phone": "+1-500-284-7453x783", "language": "de"}, "newsletter": false}
28	Randy	Smith	randy.smith28@yahoo.com	+1-423-876-0926x030	1939-09-08	2024-01-31 11:11:46.018083+00	{"contact": {"phone": "001-381-937-3433x7344", "language": "en"}, "newsletter": false}
29	Phillip	Villanueva	phillip.villanueva29@yahoo.com	(510)814-1561	1961-12-08	2026-05-14 18:57:14.244123+00	{"contact": {"phone": "001-711-925-3287x0465", "language": "fr"}, "newsletter": true}
30	Lynn	Reynolds	lynn.reynolds30@gmail.com	7607710431	1955-10-12	2026-10-10 22:26:03.134021+00	{"contact": {"phone": "001-573-858-7355x706", "language": "en"}, "newsletter": true}
31	Christina	Baker	christina.baker31@hotmail.com	(372)572-0429x35575	1964-06-29	2024-05-19 19:43:14.371154+00	{"contact": {"phone": "001-854-640-9103x177", "language": "fr"}, "newsletter": false}
32	Ricky	Banks	ricky.banks32@yahoo.com	567-372-3267	1992-10-28	2024-10-13 15:11:20.064403+00	{"contact": {"phone": "+1-385-526-1149", "language": "de"}, "newsletter": false}
33	Joshua	Adams	joshua.adams33@yahoo.com	938-783-1701x073	1938-11-06	2024-10-13 08:43:15.778137+00	{"contact": {"phone": "001-343-873-2332x4935", "language": "de"}, "newsletter": false}
34	David	Lopez	david.lopez34@hotmail.com	505.252.0340	1995-09-05	2025-02-16 17:15:20.85664+00	{"contact": {"phone": "315.782.7940", "language": "en"}, "newsletter": true}
35	Nathan	Oliver	nathan.oliver35@gmail.com	+1-826-246-4460x4956	1998-12-29	2026-11-22 14:12:25.358185+00	{"contact": {"phone": "407.387.1616", "language": "en"}, "newsletter": false}
36	Michael	Gonzalez	michael.gonzalez36@hotmail.com	4824619958	1961-04-20	2024-05-21 21:05:22.514308+00	{"contact": {"phone": "(430)262-6116x9572", "language": "en"}, "newsletter": false}
37	George	Jones	george.jones37@yahoo.com	+1-337-429-3068x265	1953-12-08	2026-01-28 20:14:44.106545+00	{"contact": {"phone": "534.820.7509x6192", "language": "de"}, "newsletter": false}
38	Phyllis	Williams	phyllis.williams38@hotmail.com	987.420.0977x379	1995-01-26	2025-02-07 05:43:02.17039+00	{"contact": {"phone": "001-805-716-9784x64936", "language": "fr"}, "newsletter": true}
39	Carlos	Howard	carlos.howard39@yahoo.com	001-386-720-1913x27423	1980-06-18	2024-08-28 22:31:21.373375+00	{"contact": {"phone": "378-280-0215", "language": "fr"}, "newsletter": true}
40	Mario	Austin	mario.austin40@yahoo.com	(203)726-2456x241	2006-06-07	2025-04-05 23:29:06.765319+00	{"contact": {"phone": "(548)773-9498", "language": "de"}, "newsletter": false}
41	Adrienne	Barker	adrienne.barker41@gmail.com	(290)248-4495	1952-01-30	2024-10-10 09:33:52.693807+00	{"contact": {"phone": "986-554-6592x551", "language": "fr"}, "newsletter": false}
42	Connie	Butler	connie.butler42@yahoo.com	485-583-6949	1962-08-21	2026-05-22 08:21:17.294145+00	{"contact": {"phone": "7276390000", "language": "fr"}, "newsletter": false}
43	Eric	Smith	eric.smith43@gmail.com	+1-587-432-0008x062	1940-02-29	2026-03-29 00:01:25.719246+00	{"contact": {"phone": "001-727-911-2464x008", "language": "en"}, "newsletter": false}
44	Alexander	Pierce	alexander.pierce44@gmail.com	607-580-6671x7231	1982-12-01	2024-04-09 15:22:36.851481+00	{"contact": {"phone": "(663)389-8692", "language": "de"}, "newsletter": true}
45	Patricia	Schaefer	patricia.schaefer45@yahoo.com	832.953.6593	1970-05-15	2025-06-29 23:37:12.444582+00	{"contact": {"phone": "001-404-686-8443x180", "language": "fr"}, "newsletter": false}
46	Adam	Johnson	adam.johnson46@hotmail.com	2012192520	1946-01-02	2025-10-31 17:16:42.521809+00	{"contact": {"phone": "494.436.9919", "language": "en"}, "newsletter": true}
47	Brad	Jones	brad.jones47@gmail.com	500-614-7121	1959-03-14	2025-03-04 21:40:46.198575+00	{"contact": {"phone": "595-538-1613", "language": "fr"}, "newsletter": false}
48	Andrew	Scott	andrew.scott48@yahoo.com	(281)557-0893x19426	1956-12-13	2026-02-25 22:23:46.626+00	{"contact": {"phone": "8552987490", "language": "de"}, "newsletter": false}
49	Brian	Bailey	brian.bailey49@gmail.com	+1-717-581-5516x6160	1958-01-11	2025-03-09 14:38:19.530333+00	{"contact": {"phone": "427.395.8492x4337", "language": "fr"}, "newsletter": false}
50	Amy	Jackson	amy.jackson50@hotmail.com	585.527.7493x257	1955-06-06	2026-03-02 13:16:47.561015+00	{"contact": {"phone": "772.489.9059", "language": "en"}, "newsletter": false}
51	Margaret	Williamson	margaret.williamson51@hotmail.com	001-312-313-6224x4643	1956-05-26	2026-07-23 13:25:11.95066+00	{"contact": {"phone": "(535)698-5235", "language": "de"}, "newsletter": false}
52	Steven	Smith	steven.smith52@yahoo.com	393.821.7654	1953-08-06	2025-02-07 00:11:04.275292+00	{"contact": {"phone": "001-838-847-0249x603", "language": "fr"}, "newsletter": true}
53	Jennifer	Moore	jennifer.moore53@yahoo.com	(938)251-9783	1982-07-27	2026-05-22 21:51:41.796191+00	{"contact": {"phone": "670.596.8250x6710", "language": "de"}, "newsletter": true}
54	Aimee	Jenkins	aimee.jenkins54@yahoo.com	(500)816-6594x1346	1969-08-20	2024-05-24 20:34:55.264346+00	{"contact": {"phone": "626.881.9504", "language": "en"}, "newsletter": true}
55	Sarah	Jones	sarah.jones55@hotmail.com	(634)764-6270x453	1970-11-28	2025-03-10 02:00:36.322435+00	{"contact": {"phone": "478.932.5674", "language": "en"}, "newsletter": false}
56	Dana	Hopkins	dana.hopkins56@yahoo.com	+1-403-514-4919x23275	2001-11-25	2026-04-12 00:41:04.355711+00	{"contact": {"phone": "(746)201-9528", "language": "de"}, "newsletter": true}
57	Gary	Vance	gary.vance57@hotmail.com	563-927-7807x727	1947-12-02	2025-09-13 13:41:39.591346+00	{"contact": {"phone": "384-337-3817", "language": "de"}, "newsletter": false}
58	Jessica	Martin	jessica.martin58@yahoo.com	+1-751-987-7203x62515	1992-09-25	2025-07-25 17:47:48.964156+00	{"contact": {"phone": "297.247.5661x250", "language": "en"}, "newsletter": true}
59	Rita	Mitchell	rita.mitchell59@yahoo.com	853-854-2910	1975-09-19	2024-01-20 00:45:59.061623+00	{"contact": {"phone": "(548)904-4576x58485", "language": "de"}, "newsletter": false}
60	Kevin	Smith	kevin.smith60@gmail.com	620-661-0524	1949-05-22	2024-01-03 02:14:34.730099+00	{"contact": {"phone": "990.488.9692x9130", "language": "en"}, "newsletter": false}
61	Andrew	Knight	andrew.knight61@hotmail.com	3699927681	1951-05-26	2024-05-10 20:47:19.857542+00	{"contact": {"phone": "9793801696", "language": "fr"}, "newsletter": false}
62	Alexis	Smith	alexis.smith62@hotmail.com	001-314-887-7400x0009	1958-08-11	2026-02-02 20:08:27.565237+00	{"contact": {"phone": "+1-711-431-2704x93720", "language": "fr"}, "newsletter": false}
63	Gabriel	Callahan	gabriel.callahan63@yahoo.com	(474)695-4409x9590	1978-08-01	2026-10-31 10:08:19.528308+00	{"contact": {"phone": "+1-805-959-7722x152", "language": "de"}, "newsletter": false}
64	John	Hughes	john.hughes64@yahoo.com	001-924-887-5818	1950-07-14	2026-02-25 13:36:18.185582+00	{"contact": {"phone": "+1-637-440-5446x290", "language": "en"}, "newsletter": false}
65	Sarah	Young	sarah.young65@hotmail.com	001-513-569-8485x78933	1942-08-19	2026-04-27 13:51:30.757322+00	{"contact": {"phone": "3677349067", "language": "en"}, "newsletter": true}
66	Keith	Lane	keith.lane66@yahoo.com	689-601-0397x993	1966-12-30	2026-09-28 16:10:01.298352+00	{"contact": {"phone": "(282)730-7515x7125", "language": "en"}, "newsletter": true}
67	Katrina	Fuentes	katrina.fuentes67@gmail.com	396-811-4593	1949-03-27	2026-06-14 14:27:16.910254+00	{"contact": {"phone": "905-932-6100x085", "language": "fr"}, "newsletter": true}
68	Nathan	Young	nathan.young68@hotmail.com	9123503499	1970-04-07	2025-01-06 20:11:10.238945+00	{"contact": {"phone": "620.945.0800", "language": "en"}, "newsletter": true}
69	Peter	Brooks	peter.brooks69@yahoo.com	+1-952-371-6017x553	1981-10-04	2024-05-01 00:12:34.49275+00	{"contact": {"phone": "(573)320-7302", "language": "fr"}, "newsletter": false}
70	Jeffrey	Brown	jeffrey.brown70@hotmail.com	(247)515-7712	1976-10-11	2026-05-29 19:27:17.192122+00	{"contact": {"phone": "682.772.4663x204", "language": "de"}, "newsletter": true}
71	David	Fischer	david.fischer71@yahoo.com	408.442.5606x349	1997-06-20	2025-06-20 03:51:01.837176+00	{"contact": {"phone": "(743)431-6462x04207", "language": "en"}, "newsletter": false}
72	Jerry	Thompson	jerry.thompson72@hotmail.com	601.986.0855	1942-06-30	2025-02-17 06:58:47.121906+00	{"contact": {"phone": "519-674-2329", "language": "de"}, "newsletter": true}
73	Kathryn	Anderson	kathryn.anderson73@hotmail.com	953-956-9041	1973-05-17	2025-06-29 20:47:08.95559+00	{"contact": {"phone": "932-395-0259x905", "language": "fr"}, "newsletter": false}
74	Amanda	Smith	amanda.smith74@gmail.com	001-334-409-9783x715	1939-03-14	2024-04-09 09:39:39.119718+00	{"contact": {"phone": "292.321.4480", "language": "en"}, "newsletter": false}
75	Tristan	Mason	tristan.mason75@yahoo.com	001-762-806-6998x0605	1953-06-13	2024-11-27 17:33:42.409299+00	{"contact": {"phone": "411-962-8933", "language": "de"}, "newsletter": true}
76	Ryan	Zavala	ryan.zavala76@yahoo.com	663-680-3266x70009	1981-10-06	2026-04-28 02:05:01.104225+00	{"contact": {"phone": "(480)358-2536x0518", "language": "de"}, "newsletter": false}
77	Barry	Garcia	barry.garcia77@gmail.com	698.527.1824x694	1989-08-16	2026-02-14 20:24:10.088759+00	{"contact": {"phone": "606.330.4145x21098", "language": "de"}, "newsletter": false}
78	Justin	Gibson	justin.gibson78@hotmail.com	403-553-3886x9605	1959-07-20	2024-11-17 04:58:56.964855+00	{"contact": {"phone": "001-936-938-5784", "language": "de"}, "newsletter": true}
79	Joseph	Johns	joseph.johns79@gmail.com	632.465.5239x94817	1966-01-20	2024-03-18 19:47:52.046193+00	{"contact": {"phone": "700-328-1957x0867", "language": "en"}, "newsletter": false}
80	Robert	Pierce	robert.pierce80@gmail.com	(468)689-6507x674	1994-07-08	2025-03-17 22:06:14.614954+00	{"contact": {"phone": "769.626.4991x6774", "language": "en"}, "newsletter": true}
81	Nicholas	Hall	nicholas.hall81@yahoo.com	386.867.5095x70183	1963-03-27	2025-02-07 20:12:56.894709+00	{"contact": {"phone": "693-853-6000x49748", "language": "de"}, "newsletter": true}
82	Anna	Andrews	anna.andrews82@gmail.com	545-586-2848	1965-12-30	2024-01-31 12:06:26.90628+00	{"contact": {"phone": "(676)479-9581x25551", "language": "en"}, "newsletter": true}
83	Annette	Rodriguez	annette.rodriguez83@hotmail.com	(578)894-8829	1979-10-30	2024-05-03 20:12:54.316984+00	{"contact": {"phone": "+1-206-500-4804x6190", "language": "fr"}, "newsletter": false}
84	April	Hicks	april.hicks84@gmail.com	(335)742-0419	1949-11-22	2025-10-10 07:22:46.904413+00	{"contact": {"phone": "212-787-7960", "language": "en"}, "newsletter": true}
85	Andrew	Robinson	andrew.robinson85@yahoo.com	607-846-9471x36936	1999-10-20	2025-05-10 07:55:51.381884+00	{"contact": {"phone": "001-407-409-3330", "language": "fr"}, "newsletter": true}
86	Laura	Sanchez	laura.sanchez86@gmail.com	+1-565-861-1658	1949-11-10	2024-10-02 07:21:56.237134+00	{"contact": {"phone": "(356)720-4685", "language": "fr"}, "newsletter": true}
87	Joel	Johnson	joel.johnson87@hotmail.com	532.555.3669x347	1998-07-26	2025-12-05 12:25:14.223581+00	{"contact": {"phone": "4529321348", "language": "de"}, "newsletter": true}
88	Sheri	Cuevas	sheri.cuevas88@hotmail.com	001-360-392-4061x2353	1976-12-04	2024-12-26 15:48:09.146967+00	{"contact": {"phone": "395.683.6983x218", "language": "en"}, "newsletter": true}
89	Vincent	Phillips	vincent.phillips89@gmail.com	3554607365	1957-03-06	2024-09-18 09:25:32.767007+00	{"contact": {"phone": "001-641-434-2645x672", "language": "fr"}, "newsletter": true}
90	Chelsea	Robinson	chelsea.robinson90@hotmail.com	+1-842-793-9784	2004-03-16	2024-03-28 03:44:05.913061+00	{"contact": {"phone": "8602926342", "language": "en"}, "newsletter": false}
91	Kathryn	Rios	kathryn.rios91@gmail.com	001-969-234-8156x758	1985-04-17	2024-07-09 06:13:35.808922+00	{"contact": {"phone": "001-390-831-0535", "language": "de"}, "newsletter": false}
92	Emily	Bradford	emily.bradford92@gmail.com	(961)434-2277x330	2004-03-21	2024-12-15 16:16:18.357754+00	{"contact": {"phone": "430.784.2823x8430", "language": "de"}, "newsletter": false}
93	Kevin	Wilkerson	kevin.wilkerson93@gmail.com	614.605.7300	1950-04-16	2026-01-03 08:36:04.28917+00	{"contact": {"phone": "001-993-851-8622", "language": "en"}, "newsletter": true}
94	Shane	Rodriguez	shane.rodriguez94@yahoo.com	001-694-617-6738x5051	1983-07-30	2024-02-20 04:47:53.912822+00	{"contact": {"phone": "379.754.2810x077", "language": "de"}, "newsletter": false}
95	Julie	Johnson	julie.johnson95@yahoo.com	(555)235-2854	1938-11-29	2025-08-08 16:55:39.257673+00	{"contact": {"phone": "(745)828-2149", "language": "de"}, "newsletter": false}
96	Courtney	Weiss	courtney.weiss96@hotmail.com	861.407.7335x009	1956-07-30	2025-11-20 12:44:32.962692+00	{"contact": {"phone": "(403)476-7249x9123", "language": "en"}, "newsletter": false}
97	Xavier	Fisher	xavier.fisher97@yahoo.com	218.758.7682x6991	1980-05-15	2024-10-17 01:06:43.894424+00	{"contact": {"phone": "770-522-6407", "language": "en"}, "newsletter": true}
98	Ashley	Cisneros	ashley.cisneros98@yahoo.com	339.576.4132x38134	1974-08-25	2024-08-28 04:40:37.253663+00	{"contact": {"phone": "+1-824-758-0337x12958", "language": "fr"}, "newsletter": false}
99	Tracy	Spencer	tracy.spencer99@gmail.com	488.718.1768x23971	1992-07-24	2024-01-28 15:19:49.138755+00	{"contact": {"phone": "+1-991-489-9161", "language": "de"}, "newsletter": false}
100	Joel	Watson	joel.watson100@gmail.com	(755)904-1358	1939-01-28	2025-09-18 03:57:30.050367+00	{"contact": {"phone": "001-393-774-1261x939", "language": "fr"}, "newsletter": true}
101	Cory	Dunn	cory.dunn101@hotmail.com	8714142284	1978-11-06	2024-08-26 19:02:30.744927+00	{"contact": {"phone": "903-345-3709", "language": "en"}, "newsletter": true}
102	Wendy	Juarez	wendy.juarez102@yahoo.com	(576)639-8155	2001-03-01	2025-09-02 04:46:23.495335+00	{"contact": {"phone": "800.952.7870x012", "language": "en"}, "newsletter": false}
103	Bradley	Jackson	bradley.jackson103@yahoo.com	379.602.2464	1961-12-13	2025-08-15 23:59:45.854259+00	{"contact": {"phone": "001-575-297-6550x5975", "language": "fr"}, "newsletter": true}
104	Breanna	Taylor	breanna.taylor104@hotmail.com	+1-914-755-8358x65055	2001-03-06	2026-05-01 06:01:43.38326+00	{"contact": {"phone": "5814369154", "language": "fr"}, "newsletter": false}
105	Wendy	Hernandez	wendy.hernandez105@gmail.com	744-998-5139x1924	1961-12-17	2026-03-24 03:26:13.733341+00	{"contact": {"phone": "3764769429", "language": "fr"}, "newsletter": true}
106	Ronnie	Oneill	ronnie.oneill106@gmail.com	294.381.3302	1941-04-06	2026-05-09 02:00:00.613647+00	{"contact": {"phone": "852.944.8024x3030", "language": "fr"}, "newsletter": false}
107	Barbara	Ball	barbara.ball107@gmail.com	(695)920-6019x5796	1999-08-28	2023-12-24 18:43:09.455612+00	{"contact": {"phone": "248.905.0355", "language": "en"}, "newsletter": false}
108	Logan	Valdez	logan.valdez108@yahoo.com	(656)958-9829x953	1991-08-16	2026-03-25 20:16:23.746977+00	{"contact": {"phone": "4693521023", "language": "en"}, "newsletter": false}
109	Kyle	Barton	kyle.barton109@hotmail.com	(536)410-9210	1954-10-25	2025-09-20 15:54:27.507091+00	{"contact": {"phone": "384.758.8424x087", "language": "fr"}, "newsletter": false}
110	Joan	Leach	joan.leach110@hotmail.com	+1-201-665-0396x66304	1987-09-05	2024-08-17 13:15:07.155779+00	{"contact": {"phone": "001-228-305-3773x56735", "language": "fr"}, "newsletter": true}
111	Michael	Nguyen	michael.nguyen111@yahoo.com	932.459.9739x0350	1967-08-23	2024-04-27 18:07:45.3122+00	{"contact": {"phone": "+1-744-273-9274x2441", "language": "en"}, "newsletter": true}
112	Sharon	Jennings	sharon.jennings112@gmail.com	265-265-0933	1945-09-29	2025-09-08 17:24:42.858121+00	{"contact": {"phone": "(902)842-8512", "language": "fr"}, "newsletter": false}
113	Bailey	Hale	bailey.hale113@hotmail.com	(938)328-8185	1961-05-30	2024-07-19 07:19:48.456355+00	{"contact": {"phone": "8052111728", "language": "en"}, "newsletter": true}
114	Tammy	Ware	tammy.ware114@hotmail.com	+1-754-805-0784	2007-08-13	2026-07-11 07:33:52.660471+00	{"contact": {"phone": "242-804-4103", "language": "de"}, "newsletter": false}
115	Jennifer	Ross	jennifer.ross115@yahoo.com	001-796-933-1190x068	1975-12-23	2024-11-06 09:38:59.717789+00	{"contact": {"phone": "+1-566-626-6620", "language": "en"}, "newsletter": true}
116	Teresa	Smith	teresa.smith116@hotmail.com	983-594-4758	2008-11-10	2024-02-06 17:28:50.335478+00	{"contact": {"phone": "+1-678-759-8636x5168", "language": "de"}, "newsletter": false}
117	Katherine	Diaz	katherine.diaz117@gmail.com	001-846-615-5884x714	2008-09-05	2025-12-27 02:49:28.424642+00	{"contact": {"phone": "825.432.2720x56561", "language": "en"}, "newsletter": false}
118	Shannon	Mendoza	shannon.mendoza118@gmail.com	+1-630-794-0924	1954-07-24	2024-09-12 09:12:20.144848+00	{"contact": {"phone": "001-682-202-5783x95856", "language": "de"}, "newsletter": false}
119	Samuel	Warren	samuel.warren119@yahoo.com	4465694536	2007-04-11	2026-06-16 19:30:13.801479+00	{"contact": {"phone": "832-764-9507", "language": "de"}, "newsletter": false}
120	Betty	Brown	betty.brown120@gmail.com	(272)617-6728x03368	1976-05-01	2026-03-18 10:25:03.197904+00	{"contact": {"phone": "911-876-6867x01997", "language": "en"}, "newsletter": true}
\.


--
-- Data for Name: order; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public."order" (order_id, customer_id, status, ordered_at, shipping_address_id, note) FROM stdin;
1	1	shipped	2024-12-05 18:16:34.243617+00	\N	Call 663.659.3608 on arrival
2	49	refunded	2025-08-24 10:00:29.751469+00	52	\N
3	34	paid	2025-10-17 20:26:51.818755+00	11	\N
4	68	refunded	2025-06-13 18:28:29.370098+00	127	Leave at the door
5	106	paid	2026-08-17 19:16:37.358187+00	\N	Gift for Melissa Patel\nno invoice
6	18	pending	2026-07-07 20:26:38.328771+00	116	Call 001-913-479-4800x4341 on arrival
7	96	pending	2025-04-19 08:19:15.936323+00	122	\N
8	95	refunded	2025-04-12 22:41:15.720785+00	20	Gift for Michael Cisneros\nno invoice
9	77	shipped	2025-02-10 00:10:40.129034+00	78	Leave at the door
10	87	shipped	2026-06-18 19:57:34.80867+00	74	Gift for Brian Terry\nno invoice
11	11	pending	2025-12-02 08:18:44.217529+00	20	Gift for Stephanie Carney\nno invoice
12	96	shipped	2025-01-31 19:11:33.738881+00	131	Call (675)689-3512x0140 on arrival
13	51	paid	2025-09-06 12:37:11.262937+00	126	\N
14	108	pending	2025-03-16 04:49:29.13992+00	87	Call 001-871-711-6480 on arrival
15	48	refunded	2025-11-23 18:46:35.540381+00	20	\N
16	7	paid	2025-01-22 21:46:56.702538+00	69	Call 001-545-436-8499x3674 on arrival
17	104	paid	2026-05-22 08:37:54.592169+00	13	Gift for Julie Combs MD\nno invoice
18	61	shipped	2025-05-05 11:10:39.129874+00	66	Gift for Thomas Avery\nno invoice
19	22	pending	2025-12-25 02:54:50.753826+00	128	Leave at the door
20	12	shipped	2025-02-27 01:33:27.310555+00	82	Leave at the door
21	26	refunded	2024-12-02 15:12:22.158982+00	135	\N
22	97	refunded	2025-11-24 14:52:58.561551+00	93	\N
23	35	refunded	2025-12-20 10:52:32.812778+00	115	Leave at the door
24	91	refunded	2026-10-10 19:37:05.257071+00	101	Gift for Devin Snyder\nno invoice
25	11	pending	2025-07-23 06:01:45.760155+00	60	\N
26	13	shipped	2025-01-31 12:29:03.176669+00	150	\N
27	102	pending	2025-07-05 15:36:49.015677+00	118	\N
28	32	refunded	2026-07-25 10:42:16.162154+00	79	\N
29	114	pending	2026-06-04 01:07:21.791022+00	109	Gift for Brian Curry\nno invoice
30	88	paid	2025-02-01 07:31:52.63005+00	75	Gift for Carrie Clark\nno invoice
31	60	shipped	2025-05-17 07:59:23.691023+00	76	Leave at the door
32	115	refunded	2026-11-13 14:53:07.796341+00	15	Leave at the door
33	7	paid	2025-05-28 16:44:43.892093+00	81	\N
34	40	shipped	2025-01-28 03:46:47.822763+00	\N	Gift for Jordan Simmons\nno invoice
35	45	pending	2025-05-13 06:44:51.847152+00	54	Gift for Anthony Ortega\nno invoice
36	91	paid	2025-04-20 04:38:22.355654+00	115	Gift for John Freeman\nno invoice
37	4	paid	2026-10-18 09:34:14.657402+00	104	Gift for Jessica Mccann\nno invoice
38	9	shipped	2026-01-26 18:35:08.064763+00	17	\N
39	1	pending	2025-04-07 05:50:30.190037+00	28	\N
40	17	paid	2025-07-24 15:13:37.787291+00	78	Gift for Jennifer Brown\nno invoice
41	11	refunded	2026-03-29 16:13:12.646896+00	64	Leave at the door
42	55	pending	2026-05-13 06:15:56.199673+00	22	\N
43	91	paid	2025-12-22 05:03:34.980165+00	107	Gift for Daniel Shields\nno invoice
44	38	shipped	2026-11-25 05:32:50.732436+00	67	Call 001-846-676-2506x42853 on arrival
45	32	paid	2025-05-21 16:40:34.356467+00	149	Leave at the door
46	33	paid	2026-02-25 15:06:54.811204+00	26	Leave at the door
47	113	paid	2026-03-14 17:56:14.887595+00	49	Call 6523090224 on arrival
48	14	paid	2026-08-18 23:37:10.756663+00	88	Call 385-697-1889 on arrival
49	5	pending	2025-06-13 18:55:10.900054+00	105	Leave at the door
50	62	refunded	2025-05-14 07:54:48.276868+00	102	\N
51	86	refunded	2025-09-14 04:09:01.826659+00	\N	Call 001-978-282-0576x590 on arrival
52	111	paid	2025-09-27 12:52:16.797455+00	104	Call (716)218-5286x33333 on arrival
53	55	pending	2026-05-03 23:47:36.725263+00	94	\N
54	19	pending	2024-12-31 20:34:00.361499+00	95	Gift for Edward Smith\nno invoice
55	14	refunded	2026-01-19 17:47:12.982846+00	51	Gift for Allison Herrera\nno invoice
56	78	pending	2025-02-12 11:00:25.925611+00	\N	Gift for Benjamin Neal\nno invoice
57	73	pending	2025-11-23 04:59:20.622231+00	133	Leave at the door
58	20	paid	2024-11-26 22:02:20.277535+00	144	Leave at the door
59	109	refunded	2026-03-04 13:06:54.131854+00	64	Call 001-803-958-0040x91068 on arrival
60	3	refunded	2024-11-27 04:54:54.365101+00	115	\N
61	46	shipped	2025-09-19 22:37:54.096535+00	114	Gift for Nancy Berry\nno invoice
62	97	paid	2025-11-12 17:59:25.197493+00	17	Gift for Eric Fernandez\nno invoice
63	88	pending	2025-11-05 10:22:27.738033+00	65	Leave at the door
64	19	refunded	2026-04-01 16:31:29.658425+00	68	Call 001-841-612-7513 on arrival
65	82	shipped	2026-01-31 22:44:41.03013+00	44	Call +1-723-732-2617 on arrival
66	67	shipped	2026-06-19 15:42:49.616082+00	\N	\N
67	43	refunded	2026-01-08 10:47:44.276057+00	13	\N
68	96	paid	2025-11-18 17:50:58.975002+00	111	\N
69	79	pending	2026-04-19 20:27:21.243228+00	146	\N
70	75	paid	2025-06-22 05:32:56.501315+00	122	Call +1-204-423-2989x727 on arrival
71	91	refunded	2025-01-25 11:37:22.953219+00	38	Leave at the door
72	83	refunded	2025-11-06 02:43:47.603647+00	1	Gift for Ricky Gill\nno invoice
73	24	paid	2025-05-07 10:06:21.17027+00	27	Leave at the door
74	53	refunded	2026-09-23 00:00:41.542171+00	45	Leave at the door
75	11	paid	2026-06-23 13:47:02.066653+00	27	Gift for Caitlin Diaz\nno invoice
76	92	shipped	2026-02-04 17:49:25.897873+00	112	\N
77	34	paid	2026-02-20 01:24:23.354688+00	\N	Leave at the door
78	108	pending	2026-05-01 21:55:56.569533+00	60	\N
79	5	pending	2025-08-09 14:39:09.505061+00	42	\N
80	89	pending	2025-01-03 11:43:23.545989+00	17	\N
81	15	pending	2025-08-19 08:26:07.705755+00	\N	\N
82	38	shipped	2026-02-28 08:06:08.696918+00	6	Call 7585882252 on arrival
83	99	shipped	2025-09-18 12:25:56.776124+00	8	Gift for Joseph Miller\nno invoice
84	69	pending	2025-07-15 17:05:28.886972+00	74	Leave at the door
85	26	pending	2026-05-24 21:54:49.818598+00	126	Call 572-552-9253 on arrival
86	76	shipped	2026-02-21 10:22:34.556622+00	41	Call (418)535-7260 on arrival
87	82	refunded	2024-12-31 07:06:47.240534+00	144	\N
88	13	refunded	2025-05-07 10:52:39.054173+00	23	Gift for Kathy Price DVM\nno invoice
89	34	paid	2026-02-07 02:05:29.685859+00	60	Gift for Samantha Gallagher\nno invoice
90	20	shipped	2025-10-29 07:29:52.446712+00	113	Gift for Katie Fernandez\nno invoice
91	25	shipped	2025-09-13 09:45:15.714872+00	40	Call 001-873-672-7235x9837 on arrival
92	25	pending	2026-03-23 14:39:17.762048+00	27	Call 582-904-8524 on arrival
93	102	shipped	2025-01-19 17:25:35.656123+00	51	Call 221-686-0478 on arrival
94	27	refunded	2025-12-15 16:35:37.945574+00	103	Gift for Stephanie Cunningham\nno invoice
95	33	pending	2026-06-14 01:24:58.507782+00	111	Gift for Jose Grant\nno invoice
96	56	shipped	2024-12-11 06:45:12.960196+00	26	Call 001-401-687-7488x97127 on arrival
97	62	pending	2026-02-04 13:00:29.241231+00	105	Gift for Chris Evans\nno invoice
98	5	paid	2025-10-12 03:42:47.403186+00	52	Call 583.758.1019 on arrival
99	67	refunded	2025-06-10 03:37:12.951279+00	117	Call 794.744.6512x98149 on arrival
100	66	shipped	2026-07-19 23:20:57.524299+00	65	\N
101	81	shipped	2026-07-16 12:44:09.649129+00	78	Call (932)509-1624x736 on arrival
204	36	shipped	2025-07-09 09:27:05.704547+00	\N	\N
102	104	refunded	2025-02-21 03:52:42.888763+00	58	Leave at the door
103	38	refunded	2026-03-26 18:59:53.303813+00	59	Leave at the door
104	1	shipped	2026-05-08 15:21:04.369647+00	78	Call +1-408-430-1462x9913 on arrival
105	110	pending	2026-10-04 07:19:03.546985+00	145	Gift for Caitlin Ryan\nno invoice
106	27	shipped	2025-05-08 18:41:27.912323+00	26	\N
107	102	pending	2025-05-30 21:43:54.05844+00	141	Leave at the door
108	16	refunded	2026-10-23 01:57:47.820798+00	36	Call 001-818-458-3223 on arrival
109	90	paid	2026-06-16 20:48:01.006967+00	139	Gift for Juan Yu\nno invoice
110	108	shipped	2025-04-02 16:37:01.372017+00	20	Gift for Alexis Lee\nno invoice
111	3	shipped	2026-10-03 14:26:52.714088+00	25	\N
112	13	shipped	2025-10-27 04:33:13.723619+00	135	Call (882)785-6828x95375 on arrival
113	7	shipped	2026-08-05 12:52:11.555636+00	127	Call 8899176505 on arrival
114	84	pending	2025-05-18 14:54:22.176198+00	82	Gift for Timothy Smith\nno invoice
115	74	refunded	2026-09-02 12:22:10.040078+00	2	\N
116	101	paid	2025-06-07 08:45:35.705269+00	22	Gift for Caleb Hansen\nno invoice
117	13	pending	2025-02-01 17:34:26.425733+00	26	Leave at the door
118	5	pending	2026-06-26 23:45:03.889543+00	149	Call 368-485-8326 on arrival
119	100	refunded	2026-01-17 07:02:57.529254+00	4	Gift for Alexander Cruz\nno invoice
120	83	paid	2026-07-21 09:23:29.880397+00	4	Gift for Matthew Smith\nno invoice
121	17	pending	2025-03-09 12:27:03.416898+00	146	Gift for Jeffrey Webb\nno invoice
122	47	pending	2026-06-26 20:00:48.311443+00	143	Leave at the door
123	114	refunded	2025-08-15 15:55:11.643545+00	43	\N
124	87	paid	2026-01-17 19:19:14.132022+00	\N	Leave at the door
125	62	refunded	2025-05-12 17:57:08.662221+00	\N	Gift for Natasha Garcia\nno invoice
126	77	refunded	2026-06-02 01:15:19.804444+00	\N	Call +1-388-942-6734 on arrival
127	78	refunded	2025-09-22 21:26:37.243868+00	1	Leave at the door
128	107	paid	2025-01-05 12:01:13.512417+00	141	Leave at the door
129	26	shipped	2026-03-03 20:37:06.152905+00	102	Leave at the door
130	59	shipped	2026-08-29 10:43:25.41461+00	60	\N
131	65	paid	2025-07-27 05:10:50.472297+00	24	Leave at the door
132	74	refunded	2026-01-04 05:36:38.965443+00	39	Call (472)918-5911 on arrival
133	111	shipped	2025-06-21 04:06:44.709532+00	21	\N
134	36	pending	2024-12-24 06:36:25.57188+00	145	\N
135	58	shipped	2025-01-21 07:31:32.889329+00	87	Leave at the door
136	4	pending	2025-10-10 16:03:28.346693+00	118	\N
137	91	shipped	2026-07-24 05:15:24.673446+00	60	\N
138	93	paid	2026-04-17 06:18:16.491908+00	66	Leave at the door
139	91	pending	2026-09-22 09:07:25.808019+00	82	Gift for Gary Green\nno invoice
140	76	pending	2025-12-13 06:24:17.28795+00	96	Gift for Pamela Ramirez MD\nno invoice
141	57	paid	2025-09-16 11:51:27.244579+00	\N	Leave at the door
142	21	pending	2025-07-16 20:57:59.345349+00	\N	Leave at the door
143	108	pending	2026-07-09 12:43:03.422049+00	87	\N
144	43	pending	2026-09-16 12:26:49.191145+00	116	Leave at the door
145	4	shipped	2026-08-22 21:24:44.420991+00	43	Call 001-810-821-3654x0855 on arrival
146	20	paid	2026-03-14 10:28:42.707148+00	74	\N
147	56	paid	2026-07-29 01:10:48.095864+00	\N	Call (607)864-6995 on arrival
148	115	pending	2026-07-19 17:12:35.660328+00	76	Leave at the door
149	104	paid	2026-05-05 22:43:20.841911+00	135	Call 386.252.0229x084 on arrival
150	36	paid	2025-12-01 13:17:29.21042+00	134	Leave at the door
151	77	pending	2025-06-27 22:54:47.213148+00	127	\N
152	2	refunded	2026-11-12 10:46:33.841375+00	15	\N
153	18	paid	2025-08-03 20:52:48.129708+00	94	Call 907-878-7301x82980 on arrival
154	77	shipped	2025-07-08 06:14:39.830162+00	115	\N
155	112	refunded	2026-04-15 22:35:20.763139+00	7	\N
156	14	shipped	2026-10-31 02:12:44.487373+00	8	Call 001-406-293-6646x773 on arrival
157	3	paid	2025-04-24 14:09:00.749562+00	27	Gift for Jessica Chavez\nno invoice
158	60	shipped	2025-06-16 12:34:42.312958+00	32	Gift for Mark Robinson\nno invoice
159	60	paid	2026-09-26 11:46:57.528275+00	\N	Gift for David Ramsey\nno invoice
160	77	refunded	2025-12-09 06:56:04.916526+00	\N	\N
161	52	shipped	2026-03-12 06:35:58.473661+00	145	Leave at the door
162	32	pending	2025-10-03 05:31:31.257031+00	136	Gift for Anita Walker\nno invoice
163	26	paid	2025-07-04 07:01:42.088957+00	102	\N
164	81	pending	2025-09-28 04:01:21.230138+00	134	\N
165	37	shipped	2025-06-09 01:39:50.211855+00	43	\N
166	60	refunded	2025-12-30 20:02:24.558564+00	34	Leave at the door
167	95	refunded	2026-04-06 17:41:38.162546+00	146	Call 691-884-2653x5071 on arrival
168	71	refunded	2025-08-02 23:49:52.689351+00	78	Call 001-266-281-2039 on arrival
169	70	refunded	2026-06-24 11:30:01.721882+00	91	Gift for Anita Carney\nno invoice
170	72	refunded	2026-09-04 22:04:16.806251+00	56	Call (697)545-2896x515 on arrival
171	112	refunded	2025-07-28 01:46:04.561248+00	133	Call (503)898-8024 on arrival
172	54	shipped	2026-03-15 03:36:02.535558+00	52	Call +1-778-486-1448 on arrival
173	1	pending	2026-01-16 22:45:27.844102+00	147	Gift for Mary West\nno invoice
174	49	refunded	2026-02-10 08:07:49.742659+00	91	Gift for Cathy Pham\nno invoice
175	49	shipped	2025-08-27 01:38:42.228118+00	78	Gift for Erik Berg\nno invoice
176	30	shipped	2026-02-11 16:17:33.216403+00	63	\N
177	73	shipped	2026-02-28 22:05:26.476806+00	\N	Gift for Timothy Peterson\nno invoice
178	60	pending	2025-08-16 08:51:42.902185+00	90	Call 588-287-7963 on arrival
179	53	refunded	2026-11-05 22:01:36.529914+00	147	Call 364-351-5118x26408 on arrival
180	63	refunded	2026-07-02 05:19:36.086188+00	88	Gift for Mrs. Susan Smith\nno invoice
181	106	paid	2025-06-22 15:57:55.969083+00	76	Call +1-476-648-0156x208 on arrival
182	115	refunded	2026-05-04 21:56:56.891095+00	145	Leave at the door
183	1	refunded	2025-02-05 02:43:23.643774+00	4	Call +1-596-292-1859x226 on arrival
184	26	pending	2024-12-13 15:24:04.625106+00	133	Gift for Thomas Hensley\nno invoice
185	84	shipped	2026-01-20 03:16:34.838094+00	61	\N
186	9	paid	2026-08-01 23:53:05.474178+00	99	Call +1-815-977-4583x701 on arrival
187	75	refunded	2025-02-28 04:38:11.763491+00	62	\N
188	120	shipped	2025-09-07 23:02:40.910477+00	117	Leave at the door
189	87	paid	2026-08-06 12:45:36.403325+00	103	Gift for Alexander Love\nno invoice
190	24	shipped	2025-12-10 07:05:36.091614+00	93	\N
191	52	pending	2026-06-05 11:24:12.766617+00	90	\N
192	36	shipped	2025-05-28 20:57:13.600848+00	62	\N
193	108	paid	2024-12-16 03:53:02.532424+00	56	Leave at the door
194	110	paid	2026-01-13 10:48:28.046061+00	\N	Gift for Natalie Chandler\nno invoice
195	32	paid	2026-09-12 22:57:16.813291+00	32	Gift for Madison Ramirez\nno invoice
196	2	pending	2026-09-18 07:33:34.250644+00	60	Gift for Brian Joseph\nno invoice
197	98	paid	2025-07-14 10:14:58.214154+00	80	Call (628)688-9504 on arrival
198	105	shipped	2025-07-05 01:13:22.964098+00	119	Gift for Hannah Garrett\nno invoice
199	115	pending	2025-01-06 18:46:57.585394+00	119	Gift for Laura Henry\nno invoice
200	116	paid	2025-09-18 13:03:15.555846+00	70	\N
201	97	paid	2025-08-08 01:41:54.981816+00	11	Call (306)886-4298 on arrival
202	86	pending	2025-02-27 02:25:53.819654+00	74	Call 477.977.9009x554 on arrival
203	88	pending	2025-07-01 00:16:05.769166+00	54	\N
205	7	refunded	2026-04-28 05:28:38.627296+00	33	Leave at the door
206	70	paid	2026-05-21 17:09:06.392065+00	64	Leave at the door
207	53	paid	2026-04-28 16:28:24.757001+00	36	\N
208	31	pending	2026-05-04 09:25:45.552903+00	114	Leave at the door
209	18	paid	2026-04-01 10:22:49.333933+00	31	Leave at the door
210	89	pending	2025-02-05 06:08:48.267626+00	53	Call 001-955-237-9795x25401 on arrival
211	26	shipped	2026-08-06 13:51:19.133348+00	29	\N
212	73	shipped	2025-03-27 11:32:37.236707+00	19	Call 001-715-230-5928x3183 on arrival
213	11	shipped	2026-04-10 22:54:27.492926+00	126	Call 262.894.6643 on arrival
214	83	shipped	2026-03-19 04:57:25.917806+00	21	Call (947)253-9277x9087 on arrival
215	100	paid	2026-01-27 10:24:53.779013+00	48	Gift for Mark Davis\nno invoice
216	83	shipped	2026-09-13 07:20:12.681586+00	35	Call 9925370359 on arrival
217	103	pending	2025-09-07 01:48:30.682418+00	\N	Gift for Dakota Crawford\nno invoice
218	89	paid	2026-08-01 08:48:09.652653+00	103	Leave at the door
219	25	shipped	2025-12-15 16:29:49.053767+00	131	Leave at the door
220	9	pending	2026-07-05 10:42:46.694046+00	46	Gift for Aaron Webster\nno invoice
221	11	refunded	2026-09-20 14:52:48.229693+00	137	Call 885.226.0448 on arrival
222	62	shipped	2025-02-18 02:43:13.365591+00	136	Leave at the door
223	75	shipped	2026-09-27 13:53:44.819986+00	145	Gift for Christine Velazquez\nno invoice
224	71	paid	2026-05-01 16:27:16.691893+00	65	\N
225	70	pending	2025-07-20 13:56:04.919191+00	19	\N
226	107	paid	2026-02-19 07:11:42.864563+00	\N	Gift for Taylor Vance\nno invoice
227	18	pending	2025-02-28 10:55:27.27467+00	13	Call 533-515-8586x0581 on arrival
228	91	refunded	2025-10-13 12:57:16.36511+00	\N	Leave at the door
229	15	paid	2025-12-30 23:37:07.264838+00	88	Call 403-488-2537x02341 on arrival
230	6	pending	2026-02-18 00:17:24.596591+00	84	Call 895.645.4013 on arrival
231	108	pending	2025-12-04 14:12:19.439023+00	125	Gift for Stephanie Barber\nno invoice
232	20	refunded	2024-12-20 01:03:26.206621+00	65	Call 7779156889 on arrival
233	63	pending	2026-11-05 18:12:00.949978+00	10	Gift for Matthew Williams\nno invoice
234	21	refunded	2025-09-17 19:54:23.976777+00	133	Gift for Amy Case\nno invoice
235	28	paid	2026-11-24 06:26:46.300314+00	12	Call (567)920-7058 on arrival
236	43	refunded	2025-03-17 07:31:33.710725+00	\N	Gift for Joshua Schmidt\nno invoice
237	32	pending	2025-11-17 17:40:35.667339+00	37	Gift for Julie Clayton\nno invoice
238	73	pending	2025-03-21 05:34:01.686756+00	\N	Leave at the door
239	82	shipped	2026-07-19 21:56:43.463415+00	61	\N
240	98	shipped	2025-12-13 01:37:11.753918+00	63	Call 723.797.1180x947 on arrival
241	86	refunded	2025-04-02 06:13:56.284353+00	63	Call (281)212-0090 on arrival
242	27	refunded	2026-11-14 03:51:38.817858+00	102	\N
243	33	pending	2026-01-18 18:02:02.635372+00	\N	Call 532-591-6019x697 on arrival
244	93	refunded	2026-03-11 04:38:07.946778+00	45	\N
245	91	paid	2025-10-19 09:40:20.476737+00	115	\N
246	83	paid	2025-04-14 12:13:40.310169+00	15	\N
247	10	paid	2025-04-21 23:49:46.012976+00	70	Call 001-209-988-3604x7989 on arrival
248	84	refunded	2025-02-04 08:00:17.424215+00	87	Gift for Ms. Catherine Strickland\nno invoice
249	12	refunded	2025-05-09 00:59:54.381365+00	\N	Call 916.268.0427 on arrival
250	84	pending	2026-03-18 04:27:54.390253+00	85	Call 959.924.0065x669 on arrival
251	27	pending	2026-03-06 22:20:53.876043+00	93	Leave at the door
252	95	refunded	2026-04-24 22:34:17.433779+00	80	Call (438)900-9850x7211 on arrival
253	33	refunded	2026-08-31 08:42:33.698401+00	93	\N
254	97	pending	2026-04-21 09:54:46.527063+00	32	\N
255	100	shipped	2026-06-29 02:23:26.860354+00	\N	Leave at the door
256	100	refunded	2025-10-17 04:27:17.062824+00	\N	Leave at the door
257	42	pending	2025-03-17 06:06:43.541862+00	4	\N
258	8	refunded	2025-01-22 15:29:46.533497+00	97	Leave at the door
259	30	paid	2025-10-31 22:36:54.953131+00	109	Call 238-764-6520x450 on arrival
260	106	shipped	2025-03-27 07:18:31.500496+00	2	Call 9765924592 on arrival
261	58	pending	2026-06-12 21:04:24.192105+00	54	Leave at the door
262	104	paid	2025-02-13 13:03:41.144074+00	\N	\N
263	65	pending	2025-02-01 00:41:15.015858+00	119	Call 001-715-735-7036x935 on arrival
264	102	pending	2025-06-30 13:54:28.364341+00	60	\N
265	63	refunded	2025-07-04 14:12:58.205062+00	58	Leave at the door
266	28	pending	2025-05-15 00:15:23.302542+00	46	Leave at the door
267	6	pending	2025-01-05 02:59:14.943369+00	143	Leave at the door
268	37	refunded	2025-02-19 00:10:05.385911+00	\N	Call (469)396-3841x3465 on arrival
269	98	refunded	2025-01-23 01:06:56.296342+00	2	Gift for Lisa Smith\nno invoice
270	31	pending	2025-12-29 00:05:42.427386+00	9	Leave at the door
271	96	shipped	2026-01-17 20:23:30.434507+00	98	Gift for Michael Long\nno invoice
272	92	refunded	2026-06-17 06:28:24.075615+00	\N	\N
273	34	shipped	2025-02-14 09:47:45.369797+00	123	Gift for Robin Robertson\nno invoice
274	31	paid	2025-01-16 17:34:49.891434+00	118	Leave at the door
275	49	refunded	2026-04-19 23:49:45.433778+00	40	Call (549)835-4661x1215 on arrival
276	51	refunded	2026-04-10 11:49:59.418027+00	116	Call (977)585-3686x142 on arrival
277	63	shipped	2024-12-07 20:24:17.035397+00	98	Leave at the door
278	76	shipped	2025-08-04 17:55:44.28757+00	71	Leave at the door
279	82	pending	2024-12-29 16:23:16.09089+00	109	Gift for Erin Watson\nno invoice
280	47	shipped	2025-08-30 10:52:50.56515+00	\N	\N
281	109	paid	2025-06-22 02:42:22.638976+00	\N	Leave at the door
282	51	refunded	2025-12-03 12:12:43.477092+00	\N	Gift for Benjamin Hodges\nno invoice
283	61	pending	2026-05-05 18:19:43.835784+00	126	Leave at the door
284	95	refunded	2025-10-18 03:24:46.555295+00	76	Leave at the door
285	105	pending	2025-05-22 15:31:16.615304+00	56	\N
286	18	pending	2026-05-21 14:29:47.893607+00	38	Gift for Monica Davis\nno invoice
287	34	shipped	2026-11-23 07:46:54.146649+00	77	\N
288	103	shipped	2025-10-23 08:33:26.55288+00	34	Gift for Melissa Tanner\nno invoice
289	85	paid	2025-10-03 10:46:50.233684+00	88	Gift for Melinda Bailey\nno invoice
290	2	refunded	2025-11-16 11:32:29.306615+00	\N	\N
291	91	refunded	2025-10-10 10:29:55.938344+00	114	Leave at the door
292	24	pending	2025-04-29 00:47:42.398432+00	19	Gift for Brandon Gonzalez\nno invoice
293	108	paid	2026-06-03 11:41:05.700261+00	53	Leave at the door
294	88	paid	2025-03-24 13:45:06.571134+00	35	Gift for Linda Day\nno invoice
295	98	shipped	2025-07-06 12:44:53.422088+00	40	Leave at the door
296	103	refunded	2026-07-26 10:10:16.923485+00	\N	Leave at the door
297	60	paid	2025-02-09 23:51:06.208867+00	103	Leave at the door
298	85	pending	2026-11-25 17:11:12.374866+00	90	Leave at the door
299	26	shipped	2025-05-29 00:08:57.283203+00	150	Gift for Kaitlin Greer\nno invoice
300	75	pending	2026-05-08 02:10:31.966452+00	39	\N
\.


--
-- Data for Name: order_item; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.order_item (order_id, product_id, quantity, unit_price) FROM stdin;
1	11	3	72.39
1	8	3	60.95
1	2	1	110.88
2	17	1	30.77
3	1	3	77.28
3	10	1	192.88
4	10	2	15.34
5	19	1	192.38
5	27	2	28.88
5	26	1	14.71
6	2	2	161.33
6	21	3	2.08
6	1	4	23.97
7	26	3	77.93
7	3	2	76.60
8	30	3	16.31
8	22	2	26.38
9	19	4	20.87
9	5	4	89.07
9	1	1	72.33
10	15	1	180.92
10	25	2	103.12
11	15	2	70.04
11	9	1	191.53
11	13	1	47.44
12	29	3	76.81
12	4	4	160.29
13	15	2	137.37
13	13	3	124.24
13	10	3	40.61
14	4	2	4.84
14	30	3	83.97
15	30	3	16.81
15	14	3	34.32
16	17	2	123.33
16	11	4	10.50
17	14	2	94.78
17	15	4	17.04
17	20	2	56.95
18	24	4	79.20
18	21	3	159.32
18	9	4	40.23
19	8	3	148.44
19	15	4	46.74
19	30	2	80.98
20	12	3	187.65
21	13	3	111.82
22	22	2	31.34
23	10	1	42.69
23	28	1	140.32
24	28	1	74.33
24	15	2	50.82
24	8	1	150.85
25	30	3	42.93
25	2	3	174.09
25	21	4	37.74
26	13	3	74.26
27	11	2	156.74
27	21	2	180.24
28	1	2	164.28
29	8	1	111.77
29	16	4	119.72
30	28	2	163.42
30	17	2	103.14
30	3	2	76.63
31	20	4	62.37
32	5	1	70.77
32	30	1	196.33
32	13	2	137.11
33	4	2	108.88
33	3	2	61.78
33	30	4	11.45
34	6	1	26.63
34	4	3	27.46
35	12	3	142.70
35	25	1	17.14
36	11	3	156.49
37	13	1	153.06
38	11	3	15.28
38	12	3	104.70
38	9	3	98.45
39	23	4	83.26
39	15	4	162.70
40	25	2	108.41
40	5	3	151.98
40	20	3	196.20
41	3	1	158.84
41	21	3	53.65
42	4	4	164.34
43	20	2	177.47
43	29	1	97.31
44	15	2	61.86
45	11	1	130.78
46	15	1	156.57
46	2	2	147.89
46	4	3	14.22
47	27	1	122.97
47	19	2	148.16
47	7	3	3.07
48	2	2	84.53
49	12	3	26.53
49	6	2	11.31
49	20	4	180.58
50	18	1	54.63
50	5	4	89.85
50	21	4	93.83
51	24	3	136.68
51	19	4	6.96
52	1	4	52.30
53	25	2	5.86
53	6	1	181.73
54	17	3	93.83
54	6	2	171.77
54	5	2	22.98
55	5	1	159.18
55	27	3	18.48
56	23	2	73.76
56	27	4	65.26
56	29	4	60.95
57	13	3	41.32
58	2	3	39.57
58	22	4	197.45
58	27	4	181.24
59	13	3	147.40
59	22	4	59.57
60	25	2	156.06
60	27	4	36.08
60	15	1	43.09
61	17	1	43.68
61	22	1	103.80
61	2	1	18.78
62	24	1	64.47
62	23	2	162.17
62	27	3	55.10
63	11	3	150.55
64	17	3	13.06
64	8	2	60.66
64	11	4	53.83
65	4	1	118.89
65	25	4	182.92
66	28	3	87.75
66	13	4	121.89
66	24	2	119.04
67	27	3	102.60
67	17	3	1.58
68	17	1	44.26
68	12	4	75.46
69	10	3	176.01
69	4	2	136.40
70	5	1	80.81
71	26	3	4.76
71	9	1	185.26
71	13	3	195.87
72	2	1	134.03
73	20	2	47.61
74	10	1	157.60
74	3	1	123.93
74	21	4	153.45
75	8	1	41.39
75	21	3	87.27
76	26	3	97.86
76	30	2	28.99
76	17	1	56.63
77	30	4	108.66
77	11	2	125.33
77	7	4	155.71
78	29	2	129.30
78	10	1	186.20
78	26	2	48.38
79	5	1	11.11
79	23	1	46.35
80	25	1	126.77
80	12	1	81.79
80	7	2	67.57
81	3	3	157.34
81	27	1	44.46
81	25	1	68.17
82	9	3	16.86
82	30	3	106.12
83	1	1	114.63
83	14	4	16.76
84	14	1	172.55
85	16	2	163.06
86	27	2	164.28
86	7	2	37.01
87	21	3	117.52
88	29	1	122.88
88	21	2	100.33
89	5	1	115.19
89	18	3	171.96
90	25	2	42.30
90	9	3	152.39
90	19	2	167.36
91	5	3	198.55
91	8	3	53.73
91	24	2	108.50
92	13	2	49.60
93	21	1	93.01
94	23	3	152.80
94	8	1	47.46
95	19	4	75.89
95	24	2	60.47
95	21	1	149.73
96	8	4	52.26
96	26	3	139.79
97	22	2	108.49
97	30	1	128.37
97	28	4	35.85
98	12	4	178.28
98	4	2	156.88
98	28	1	122.21
99	22	2	129.61
100	13	1	25.63
100	2	4	138.80
101	13	4	152.42
101	17	2	54.91
101	8	2	23.57
102	12	4	154.38
103	23	3	140.62
103	13	2	158.80
104	16	1	119.76
104	14	2	100.34
105	26	3	191.85
105	5	1	4.76
106	5	2	149.09
106	28	3	51.02
106	8	2	132.88
107	27	4	70.82
107	10	1	144.71
107	7	1	182.88
108	16	1	159.71
108	18	4	48.32
109	28	2	106.08
109	24	4	185.34
109	1	4	98.26
110	21	3	10.34
111	16	2	12.10
111	25	2	137.18
111	29	2	111.95
112	25	3	143.60
112	30	3	139.40
112	7	3	182.54
113	11	3	166.94
113	17	3	67.69
114	10	1	14.12
114	5	4	182.63
114	19	4	179.71
115	7	4	20.70
116	2	4	57.98
117	1	2	102.36
117	12	3	99.97
117	28	2	139.21
118	16	1	39.94
119	13	2	156.79
119	20	4	180.83
119	19	1	28.17
120	1	1	29.88
120	22	2	40.76
121	15	2	17.42
122	16	3	18.25
122	15	1	4.73
122	22	1	5.82
123	20	3	121.44
123	2	4	154.94
124	12	2	137.95
125	11	1	197.57
125	10	3	199.51
125	9	1	50.51
126	13	4	124.27
127	9	2	193.23
127	14	1	95.54
128	25	3	176.16
128	30	1	177.94
128	16	4	126.08
129	23	3	193.14
129	7	1	127.14
130	19	3	172.00
130	17	3	157.16
131	26	3	119.89
132	2	4	123.56
133	11	1	114.02
134	19	3	92.69
134	7	4	32.82
135	6	4	28.41
136	28	1	196.97
136	30	4	40.29
137	3	4	60.85
137	30	4	53.33
137	22	3	78.04
138	2	1	16.41
138	29	3	169.20
139	7	3	194.26
140	13	3	158.71
140	4	4	56.23
141	15	2	12.80
142	29	2	147.55
142	24	1	127.18
143	27	4	38.88
143	8	3	47.78
144	29	2	88.29
144	5	4	135.93
144	15	2	52.01
145	16	3	150.48
145	4	4	38.41
146	9	2	120.36
147	13	3	137.19
148	21	1	145.87
149	6	4	14.28
149	12	4	72.52
150	23	2	65.45
151	6	2	63.97
151	7	3	67.28
152	26	3	162.55
152	12	1	6.06
152	11	4	157.17
153	6	3	189.38
154	3	2	106.17
154	4	4	189.84
154	12	1	96.53
155	26	1	80.80
155	18	1	74.30
155	5	2	56.01
156	4	2	86.66
157	28	2	15.80
157	4	3	41.32
158	29	2	75.39
158	5	2	188.70
159	21	4	138.78
160	25	3	111.93
161	27	1	107.45
161	13	2	116.80
162	3	3	142.89
163	21	1	12.26
163	2	3	90.59
164	14	2	13.91
165	2	3	28.68
166	30	3	90.82
166	14	2	29.78
167	21	4	66.92
168	16	1	80.38
168	27	3	73.60
168	10	2	168.91
169	28	2	107.15
170	2	1	52.95
170	25	1	199.54
171	27	3	36.79
171	15	2	51.63
172	20	1	156.72
172	28	3	42.70
172	9	4	34.86
173	14	3	37.38
174	12	4	106.51
174	13	1	164.69
175	14	4	191.57
176	7	1	9.38
176	14	1	85.06
177	18	4	170.55
177	20	4	128.63
178	1	1	173.11
178	22	2	33.42
179	29	2	139.02
180	17	1	56.94
180	24	3	105.22
180	27	3	25.60
181	11	4	52.24
181	27	3	168.64
181	30	2	166.44
182	4	1	135.81
182	12	1	1.91
182	19	3	182.18
183	1	4	182.28
183	7	3	175.15
183	6	2	189.24
184	4	2	172.21
184	1	4	154.19
184	3	4	21.35
185	9	1	88.36
185	6	1	191.79
186	2	2	130.75
187	8	1	53.23
188	14	3	163.38
188	20	1	80.60
189	16	2	29.66
189	1	2	56.68
189	26	3	125.19
190	11	4	111.06
191	8	4	93.92
191	13	3	78.71
191	7	4	12.44
192	5	3	179.54
192	3	2	182.85
192	7	4	154.04
193	13	2	98.40
193	21	4	166.42
193	19	2	75.47
194	20	4	193.53
194	29	3	176.19
195	17	3	127.09
195	3	1	187.01
195	18	2	102.83
196	7	1	23.30
196	22	3	164.95
197	8	3	42.33
198	29	2	91.61
198	21	2	10.69
198	28	3	116.15
199	28	4	116.38
200	24	1	133.59
200	8	1	54.08
200	23	4	65.90
201	10	2	187.83
201	21	4	171.64
201	6	3	143.51
202	29	1	81.10
203	24	1	137.71
203	30	4	73.35
204	15	3	165.84
204	30	4	167.67
205	25	1	184.21
205	7	3	58.19
206	6	3	114.78
207	22	4	159.19
208	30	3	99.09
209	14	2	197.17
209	25	4	134.07
209	6	2	38.51
210	2	3	100.58
211	11	4	154.57
212	1	4	160.09
213	16	3	3.72
213	7	3	30.80
214	24	1	9.28
215	17	2	34.48
215	28	3	108.04
215	29	4	61.47
216	30	3	79.43
216	12	1	14.51
216	27	1	186.75
217	14	2	99.16
217	16	1	47.49
218	2	4	158.09
219	5	1	19.12
219	10	4	111.97
220	6	1	146.21
220	13	3	186.96
220	10	2	154.62
221	28	1	20.66
221	5	3	98.33
221	13	4	121.79
222	1	2	147.58
222	28	1	49.14
222	7	3	182.82
223	13	1	75.46
223	9	2	67.46
224	4	3	161.32
224	7	2	182.54
224	17	4	75.23
225	5	1	169.80
225	28	1	151.72
226	19	4	31.51
227	2	2	151.63
227	1	3	40.49
228	20	2	185.47
229	22	3	41.21
229	1	2	123.22
229	27	3	161.23
230	4	2	84.42
230	2	3	64.29
230	30	4	7.97
231	3	3	61.70
232	23	3	146.51
232	25	1	9.11
232	26	3	50.45
233	6	4	156.89
234	12	3	174.10
235	6	3	154.27
236	1	4	110.37
236	11	2	7.72
237	13	1	164.84
237	9	3	117.92
238	28	2	140.67
239	22	1	100.61
240	28	4	110.58
240	18	1	111.49
241	12	2	45.43
242	25	2	193.28
242	10	1	48.12
242	30	3	102.08
243	30	2	100.69
243	3	3	154.31
243	19	3	141.33
244	29	1	54.92
244	9	3	78.62
245	29	3	165.46
246	20	1	26.98
247	21	3	10.03
247	29	2	106.36
247	1	3	9.87
248	2	4	15.89
249	9	1	9.43
249	15	3	185.85
250	3	1	52.18
251	12	2	198.12
251	18	3	76.36
252	25	4	184.27
252	18	3	119.40
252	23	3	44.20
253	21	2	132.34
254	18	2	182.94
255	24	2	54.11
255	5	1	115.95
256	7	3	128.47
256	21	4	70.49
257	26	4	115.91
258	21	1	83.55
258	28	1	86.95
258	8	4	80.24
259	9	4	71.97
259	10	2	157.42
259	29	3	45.73
260	28	2	53.95
260	29	3	196.81
261	12	4	60.73
261	2	4	46.80
261	25	3	9.00
262	5	3	50.41
263	13	3	130.98
263	3	3	11.78
263	14	2	66.98
264	14	1	16.83
264	23	3	22.15
264	4	1	40.47
265	18	1	174.64
265	5	3	163.61
265	21	1	115.50
266	9	3	23.58
267	9	3	14.56
267	1	4	179.24
268	23	4	105.28
268	9	4	126.49
268	13	2	127.83
269	20	3	124.52
270	2	3	145.97
270	13	3	150.25
270	23	1	156.14
271	27	4	117.39
272	20	3	24.59
272	22	2	87.81
273	8	3	172.68
273	5	2	173.84
273	3	2	120.86
274	21	1	106.50
275	9	3	117.86
275	13	3	149.37
275	4	1	91.11
276	16	2	170.52
276	24	2	2.93
276	26	2	121.23
277	1	2	1.26
277	18	3	19.91
278	9	3	144.54
278	8	1	173.08
279	20	3	15.38
279	25	4	124.11
280	21	3	116.45
280	20	2	127.27
281	19	2	108.95
281	12	1	27.19
281	3	4	125.32
282	25	1	195.24
282	26	4	152.44
282	1	4	136.95
283	17	1	77.15
284	11	4	39.70
284	25	1	73.32
284	13	1	188.11
285	15	2	110.96
285	2	4	18.94
285	27	4	192.34
286	11	1	61.99
286	7	3	171.39
287	13	4	17.76
287	17	3	100.77
287	29	2	125.59
288	7	3	153.11
289	15	1	103.97
290	2	2	144.88
290	9	3	66.71
291	29	2	19.91
292	16	2	164.25
292	6	2	97.63
292	1	2	176.12
293	4	1	17.48
293	15	4	74.32
293	7	3	145.96
294	6	4	97.21
295	30	3	180.80
295	9	2	50.77
296	13	3	74.19
296	5	1	65.93
297	2	3	41.01
298	25	4	31.47
299	25	2	155.15
299	3	3	75.44
299	7	3	11.61
300	10	3	115.76
300	2	4	158.62
300	6	2	108.98
\.


--
-- Data for Name: payment; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.payment (payment_id, order_id, card_number, card_holder, amount, paid_at) FROM stdin;
1	1	4739929786214718	Seth Steele	510.90	2025-01-14 02:32:27.54423+00
2	2	213136559989442	Lisa Moran	30.77	2026-08-03 20:55:01.189118+00
3	3	6532725006356071	Rebecca Weaver	424.72	2025-01-14 02:24:55.910712+00
4	4	4899375925778201190	Leslie Barker	30.68	2025-12-04 22:45:52.422305+00
5	5	4590255110914	Michael Powers	264.85	2025-07-03 11:22:43.959202+00
6	6	4448324603130	Richard Murray	424.78	2025-08-06 23:31:00.097469+00
7	7	3559144517469933	Robert Brennan	386.99	2025-07-04 21:32:21.072328+00
8	8	5562825366421294	Candace Willis	101.69	2025-04-15 21:20:33.897925+00
9	9	2225248109033316	Roy Baker	512.09	2025-04-08 01:08:24.24955+00
10	10	4505668634615	Rhonda Adkins	387.16	2026-04-04 04:35:02.346292+00
11	11	5356004723724630	James Smith	379.05	2025-06-30 05:50:58.267832+00
12	12	4405296861187471	Janet Graham	871.59	2025-05-11 09:39:29.146802+00
13	13	3552982624318064	Louis Alvarado	769.29	2026-06-25 17:16:07.875648+00
14	14	4183981246747	Emily Brandt	261.59	2026-01-11 06:48:08.059157+00
15	15	4047954848118753	Brian Hicks	153.39	2025-11-28 21:22:15.555993+00
16	16	3554936721412780	Amanda Lee	288.66	2026-10-28 04:37:26.248101+00
17	17	3554775495282213	Keith Lewis	371.62	2025-07-29 16:02:44.263805+00
18	18	30076013643097	Michael Perkins	955.68	2025-11-29 00:11:37.645442+00
19	19	4623195963495085812	David Manning	794.24	2026-10-15 17:56:19.526614+00
20	20	4753577020271175	Stephen Paul	562.95	2025-11-29 02:42:04.625416+00
21	21	676263350016	Sarah Trevino	335.46	2025-11-18 15:56:28.60982+00
22	22	6011197409694070	Danielle Ray	62.68	2025-08-29 14:02:12.355628+00
23	23	3502503024363897	Lisa Thomas	183.01	2026-07-07 02:49:05.843597+00
24	24	4681551262480916	Julia Potter	326.82	2025-11-16 16:52:54.889709+00
25	25	4562974498229523	Michael Nunez	802.02	2025-02-22 19:54:05.95356+00
26	26	4123706710653391	Michelle Mueller	222.78	2025-12-19 05:32:01.453838+00
27	27	3517197647461387	Margaret Dixon	673.96	2025-04-14 04:53:20.011922+00
28	28	4992248060487536070	Monica Wolfe DDS	328.56	2025-02-01 13:25:25.129246+00
29	29	6596239886546572	Amanda Porter	590.65	2025-12-04 03:16:06.758168+00
30	30	4512856310175060	Diana Griffin	686.38	2025-05-14 23:12:36.482914+00
31	31	2705639500765473	Michael Evans	249.48	2026-05-08 00:27:14.668707+00
32	32	30357044279345	Linda Daniel	541.32	2025-04-19 06:12:23.037236+00
33	33	180047485403532	Craig Jordan	387.12	2026-09-12 22:10:57.155475+00
34	34	38458805694821	Gary Anderson	109.01	2026-09-03 16:32:26.751299+00
35	35	180030501451727	Stacy Mckay	445.24	2026-03-02 00:22:04.441036+00
36	36	213173915213852	Blake Garcia	469.47	2025-12-25 21:06:31.524387+00
37	37	4809208779440696	Andrew Taylor	153.06	2026-11-22 12:14:57.287534+00
38	38	3562772286286446	Brian Pennington	655.29	2025-08-18 16:11:13.041894+00
39	39	2573643289772055	Christine Cook	983.84	2026-09-17 16:13:11.225498+00
40	40	4163885862645495	Alan Griffith	1261.36	2025-09-10 12:15:40.187539+00
41	41	30477613251598	Michele Floyd	319.79	2026-09-25 03:59:28.261684+00
42	42	2713753951792850	Molly Brown	657.36	2026-08-24 20:05:10.829757+00
43	43	4494724473929370	Daniel Cook	452.25	2025-09-10 10:15:02.998508+00
44	44	30322584062147	Brian Phillips	123.72	2025-11-25 14:14:15.384387+00
45	45	180070441658411	Tiffany Phelps	130.78	2026-02-11 00:21:45.252073+00
46	46	4291820358872860	Julie Williams	495.01	2026-07-25 17:46:52.682585+00
47	47	180052272762249	Juan Arnold	428.50	2025-09-16 17:53:47.103521+00
48	48	676111264500	Philip Steele	169.06	2025-08-24 05:33:33.676103+00
49	49	2261360084882685	Brandi Wright	824.53	2026-04-06 12:37:58.761453+00
50	50	378705629729987	Matthew Joseph	789.35	2026-11-04 12:13:20.921102+00
51	51	4717887948987	William Blanchard	437.88	2026-05-10 15:51:29.792891+00
52	52	4949277746017953	Scott Koch	209.20	2026-08-11 08:00:41.756316+00
53	53	4209178538105368458	Alexander Shah	193.45	2025-06-06 12:11:20.39224+00
54	54	568871951840	Charles Miller	670.99	2026-11-24 15:28:01.642755+00
55	55	4526694630182241	Kevin Shelton	214.62	2026-05-02 17:57:47.417233+00
56	56	4791565726726	Robert Lopez	652.36	2025-02-07 23:39:06.680041+00
57	57	30481982553931	Michael Kidd	123.96	2025-09-07 19:14:01.768342+00
58	58	2710863082356534	Manuel Weaver	1633.47	2025-06-05 22:28:26.739199+00
59	59	3529027594870452	Alicia Wise	680.48	2025-01-17 20:01:38.702272+00
60	60	180099280123328	Glenn Hinton	499.53	2025-01-08 20:47:51.765066+00
61	61	3511114817019032	Calvin Blackwell	166.26	2025-12-17 10:18:45.380282+00
62	62	3508211320272085	James Harris	554.11	2024-11-27 14:52:14.097471+00
63	63	4721878105298391	Jamie Jones	451.65	2024-12-07 14:36:52.214666+00
64	64	4661682224220	Sarah Goodwin	375.82	2025-04-28 00:57:27.105339+00
65	65	213101999115396	Victor Brooks	850.57	2026-05-13 09:19:28.27914+00
66	66	4766446470777	Alexander Harrison	988.89	2025-12-19 18:25:08.182611+00
67	67	372555679022353	Gary Anderson	312.54	2026-01-11 23:21:20.889534+00
68	68	6534833742781376	Angela Perry	346.10	2026-06-20 19:47:29.852223+00
69	69	4923747016433	Lisa Valencia	800.83	2026-10-23 13:24:03.644343+00
70	70	587136472418	Jonathan Ponce	80.81	2026-09-06 00:40:34.417877+00
71	71	4133051168510829	Annette Riley	787.15	2025-10-17 15:46:26.200593+00
72	72	4133209290019	Deborah Baker	134.03	2026-08-20 22:22:07.973073+00
73	73	4114468657093195	Anthony Gregory	95.22	2025-10-30 11:26:43.471199+00
74	74	2261428083673551	Russell Winters	895.33	2026-10-12 02:54:14.40474+00
75	75	4911384049778671	Guy Johnson	303.20	2025-01-03 22:19:34.901635+00
76	76	4067809205118231	Tammy Grimes	408.19	2026-03-12 05:16:57.860813+00
77	77	2720952527032111	Lauren Gray	1308.14	2025-08-15 21:11:16.430229+00
78	78	4247561470447	Brandon Hernandez	541.56	2026-11-24 17:35:56.766503+00
79	79	578152734716	Lisa Figueroa	57.46	2025-06-09 03:29:05.230862+00
80	80	5580743050954983	Brett Roberts	343.70	2025-12-25 13:29:59.314593+00
81	81	180030891713587	William Lee	584.65	2026-03-04 18:17:02.374841+00
82	82	4515734780007518	Casey Riddle	368.94	2025-08-19 17:04:32.593794+00
83	83	501862082481	Pedro Graham	181.67	2025-09-27 08:56:26.588153+00
84	84	213147654379850	Marissa Patterson	172.55	2025-01-27 13:18:01.060913+00
85	85	4176987157511161548	Jose King	326.12	2025-04-28 02:58:08.38175+00
86	86	6011692874314691	Pamela Wilcox	402.58	2026-03-16 21:47:50.219164+00
87	87	4081875187565	Amanda Holt	352.56	2026-01-02 11:16:23.19838+00
88	88	3586820670371316	Benjamin Carpenter	323.54	2025-05-04 20:00:21.523305+00
89	89	4012580799764689309	Cynthia Jacobs	631.07	2025-12-18 02:55:38.24056+00
90	90	6011171875519186	Sheryl Cline	876.49	2025-04-08 18:03:49.44243+00
91	91	36757035484230	Anna Kelly	973.84	2026-10-03 03:53:38.885454+00
92	92	676391874895	Richard Rice	99.20	2025-09-22 16:27:26.226388+00
93	93	3527205580231002	Paul Smith	93.01	2025-02-24 08:11:57.791465+00
94	94	4513359051595157	Katie Chen	505.86	2025-05-18 23:40:23.601316+00
95	95	213149473237954	April Coffey	574.23	2025-06-08 13:56:45.334658+00
96	96	4083765928697888344	Christopher Morgan III	628.41	2025-01-21 07:32:19.94236+00
97	97	6011486587850111	Dennis Rodriguez	488.75	2026-07-20 16:53:17.779323+00
98	98	4137108017242552	Laura Williams	1149.09	2025-12-22 07:30:39.71556+00
99	99	3557289744421801	Beth Ward	259.22	2026-09-17 07:21:55.482135+00
100	100	180012119097399	Robert Miller	580.83	2024-12-29 19:47:33.631363+00
101	101	4598399788443832	James Beck	766.64	2026-07-17 12:14:00.671864+00
102	102	4545374734588524688	Regina Flores	617.52	2025-03-11 06:27:02.307302+00
103	103	30263350540348	Danielle Sullivan	739.46	2024-11-27 00:41:12.61553+00
104	104	4201421221698	Annette Mccormick	320.44	2025-12-28 06:03:04.581306+00
105	105	564075702956	Betty Butler	580.31	2026-11-12 00:05:44.695326+00
106	106	213118316729717	Brian Hudson	717.00	2025-09-17 10:12:54.823072+00
107	107	30461400581466	Angela Meyers	610.87	2026-09-13 00:51:49.686684+00
108	108	6011160012214983	David Meyer	352.99	2025-04-14 19:20:23.042223+00
109	109	2248854097464885	Justin Davis	1346.56	2025-09-29 02:30:49.118831+00
110	110	340115919700356	Brittany Miller	31.02	2025-12-12 22:27:10.907362+00
111	111	30587977309434	Amanda Fields	522.46	2025-07-31 11:38:36.609837+00
112	112	502026265095	Kevin Young	1396.62	2025-07-21 01:09:00.770447+00
113	113	4757163071799	Jennifer Crawford	703.89	2025-02-10 12:24:25.232702+00
114	114	4139307632173699218	Austin Howe	1463.48	2026-05-30 16:49:44.020234+00
115	115	5592600439975517	Glenn Medina	82.80	2026-04-27 09:36:54.039307+00
116	116	4598647635506433029	Paula Rivera	231.92	2026-11-22 15:02:40.18451+00
117	117	30022038482384	John Tucker	783.05	2026-02-13 08:02:19.409268+00
118	118	3508305890599560	Michael Smith	39.94	2025-03-25 05:02:05.387134+00
119	119	2263975013522371	Thomas Morris	1065.07	2025-07-17 00:01:52.734374+00
120	120	38751373504467	Diane Carter	111.40	2026-01-22 02:21:45.037877+00
121	121	4716279204223	Zachary Williams	34.84	2026-08-18 09:07:32.242186+00
122	122	4977427316463	Sara Ward	65.30	2025-08-25 21:29:49.632306+00
123	123	676357129789	Jeff Edwards	984.08	2026-01-15 23:45:52.103864+00
124	124	370769138239779	Helen Burns	275.90	2025-10-26 00:38:18.448729+00
125	125	4813676673564552635	Amy Hays	846.61	2026-06-26 07:55:39.893389+00
126	126	3520805495363092	Kristen Carpenter	497.08	2026-04-10 12:54:01.92977+00
127	127	3573434101445825	Arthur Jones	482.00	2025-07-15 01:27:49.302908+00
128	128	2280795887646984	Haley Hamilton	1210.74	2025-09-15 11:09:03.672781+00
129	129	4384546737713	Kelsey Hubbard	706.56	2026-04-17 19:17:47.275844+00
130	130	5491776195389176	Tara Garcia	987.48	2026-03-20 16:21:56.387302+00
131	131	4301228575780841	Rodney Smith	359.67	2026-08-06 05:09:35.233326+00
132	132	2276087260410436	Teresa Jackson	494.24	2025-04-27 20:47:02.18577+00
133	133	6011584168170626	Brandon Jones	114.02	2025-12-28 07:16:20.570278+00
134	134	4428152149467982	Anthony Lindsey	409.35	2026-08-19 12:34:03.123391+00
135	135	213191901537126	Tyler Estrada	113.64	2026-05-05 03:17:42.501029+00
136	136	3528338869297698	Rhonda Price	358.13	2026-08-16 14:46:16.214657+00
137	137	345214558883592	Leslie Haynes	690.84	2025-11-17 03:29:38.564833+00
138	138	4422590597181967	Pedro Klein	524.01	2025-09-25 13:01:14.148934+00
139	139	4368222400997688	Sheila Wells	582.78	2026-10-14 04:12:56.228495+00
140	140	4491906696771910541	Robert Sullivan	701.05	2025-05-09 00:04:08.291548+00
141	141	6011457836482022	Kelly Hall	25.60	2025-09-04 23:52:03.354845+00
142	142	583195675991	Eric Ross	422.28	2026-03-31 12:01:27.514267+00
143	143	4777030674888046989	Andrew Hernandez	298.86	2025-02-10 00:42:26.496804+00
144	144	5491948517617416	Daniel Campbell	824.32	2026-05-29 23:06:07.697499+00
145	145	30527858526870	Thomas Richardson	605.08	2026-10-22 19:23:39.280952+00
146	146	4385581065066984056	Sandra Wheeler	240.72	2025-11-01 04:40:44.82908+00
147	147	38401070757097	Natasha Evans	411.57	2025-05-18 20:22:58.955872+00
148	148	213155779217004	Jason Ford	145.87	2026-07-29 06:38:10.170574+00
149	149	6011136717125534	Caleb Garza	347.20	2025-05-20 14:28:39.781961+00
150	150	4781756024868272763	Donna Hamilton	130.90	2026-09-11 13:14:27.402833+00
151	151	30078883486318	Jennifer Reed	329.78	2026-10-02 15:20:38.21047+00
152	152	2268805256586996	Jean Hernandez	1122.39	2025-08-18 09:37:59.093004+00
153	153	6537805858793673	Victoria Bradley	568.14	2026-01-07 20:58:50.392922+00
154	154	213182612356146	Holly Lawrence	1068.23	2025-03-12 07:40:43.836106+00
155	155	213156138573830	Jeremy Roberts	267.12	2024-12-16 13:38:12.883955+00
156	156	6568321646330325	Patrick Schmidt	173.32	2025-05-10 08:32:52.371607+00
157	157	4750905462166202	Brittany Perez	155.56	2025-03-20 14:45:11.942492+00
158	158	676326244388	Joseph Pierce	528.18	2025-04-29 11:17:04.511567+00
159	159	347904918016622	Kathleen Browning	555.12	2025-06-26 17:37:15.675284+00
160	160	370969863806939	Catherine Murphy	335.79	2025-07-15 14:50:53.585323+00
161	161	3554999547474038	Thomas Smith	341.05	2026-03-06 21:53:48.868457+00
162	162	2267100978553917	Raymond Lowery	428.67	2025-04-30 22:19:50.380733+00
163	163	676119740493	Jessica Richardson	284.03	2026-09-20 15:14:45.135146+00
164	164	4590873772079	Joshua Gutierrez	27.82	2026-06-23 08:11:18.735671+00
165	165	180029655563618	Heather Hall	86.04	2025-02-06 18:24:43.548119+00
166	166	4123211400861917	Jonathan Roberts	332.02	2024-12-12 04:46:27.192802+00
167	167	4513350849921	Ariana Adams	267.68	2026-09-06 10:55:18.915505+00
168	168	4635147881975779	Rebecca Young	639.00	2026-09-02 02:59:40.933433+00
169	169	4002708609195	Brenda Shaffer	214.30	2026-01-12 14:14:49.447862+00
170	170	6011013683164674	Andrew Martin	252.49	2025-08-26 20:20:51.342606+00
171	171	4472013146835651	Jessica Jacobson	213.63	2025-12-03 13:19:18.065059+00
172	172	4827788253525432360	Rachael Randolph	424.26	2026-06-17 20:20:19.225709+00
173	173	180031064682757	Tracy Williams	112.14	2026-10-14 21:51:57.170779+00
174	174	4787799424814886631	Nicole Reyes	590.73	2025-06-17 05:12:46.827656+00
175	175	4298875319151625	Russell Sexton	766.28	2026-03-17 20:53:57.580272+00
176	176	4466966576332770	Jordan Mooney	94.44	2025-02-14 11:48:41.035831+00
177	177	3575688557796696	Adam Foster	1196.72	2026-01-13 18:12:33.538982+00
178	178	30533150469678	Joshua Garrett	239.95	2025-06-19 21:32:18.738169+00
179	179	3521617853545437	Edward Chen	278.04	2024-12-29 00:13:34.61159+00
180	180	5477176303986047	Troy Taylor	449.40	2025-06-27 22:25:13.165067+00
181	181	3544855396190369	Chelsea Wallace	1047.76	2025-06-07 00:57:18.624229+00
182	182	30437011316005	Michelle Peterson	684.26	2026-07-09 01:46:19.511488+00
183	183	341999471613696	Meghan Fowler	1633.05	2026-03-25 08:10:57.096319+00
184	184	4442693336326996	Jeffery Vega	1046.58	2025-08-23 23:55:46.613892+00
185	185	4551142882478873	Sue Anderson	280.15	2026-05-17 23:38:52.380574+00
186	186	6011640592527490	Gary Robinson	261.50	2025-10-26 05:25:55.372978+00
187	187	4112048625413238	Renee Cole	53.23	2026-01-25 09:06:46.045174+00
188	188	4172349852081871	Paige Tate	570.74	2026-11-12 05:09:41.695827+00
189	189	6011373542133777	Stephen Jenkins	548.25	2025-04-15 20:26:51.937519+00
190	190	4992373476895324	Mary Mora	444.24	2025-07-02 22:17:30.125708+00
191	191	349436134580394	Suzanne Manning	661.57	2025-01-08 19:48:44.884653+00
192	192	347952898924133	William Stewart	1520.48	2025-06-18 16:04:33.640818+00
193	193	4703129287087	Cheryl Diaz	1013.42	2026-06-28 18:29:51.1557+00
194	194	4377403996012111498	Kim Martin	1302.69	2025-05-17 08:20:49.758899+00
195	195	567143307096	Sharon Boyer	773.94	2025-01-18 10:44:04.549599+00
196	196	503839854075	Jerry Barrett	518.15	2026-04-17 08:15:51.065325+00
197	197	3585727231684676	Carrie Beck	126.99	2025-02-24 08:57:00.782763+00
198	198	2222092380592704	Shawn Baker	553.05	2025-03-24 21:25:31.491719+00
199	199	4334425844994372289	Tammy Lowery	465.52	2026-09-01 23:01:11.70736+00
200	200	502090403747	Peter Price	451.27	2025-02-01 15:44:26.937965+00
201	201	4516363223244668679	Samantha Flores	1492.75	2025-02-20 16:13:44.45222+00
202	202	213190817565478	Raymond Miller	81.10	2025-03-08 19:02:13.300447+00
203	203	4533833283382333	Jason Young	431.11	2026-03-25 02:07:40.848599+00
204	204	4686958052229	Jennifer Price	1168.20	2026-11-21 19:50:53.267534+00
205	205	4329473073232309744	Tyler Roy	358.78	2026-10-03 22:35:13.695821+00
206	206	377278538829737	Colleen Walker	344.34	2025-08-14 01:51:18.513542+00
207	207	571294531694	Benjamin Wallace	636.76	2026-09-06 11:06:59.816431+00
208	208	30262409824968	Edwin Juarez	297.27	2024-12-06 19:14:33.544798+00
209	209	4853440421954	Thomas Mills	1007.64	2025-07-06 12:32:06.398027+00
210	210	30322131838049	Rebecca White	301.74	2025-01-22 14:19:26.261416+00
211	211	575178225794	Pamela Rivera	618.28	2026-11-20 12:18:37.382137+00
212	212	3558353289281126	David Flores	640.36	2025-11-10 00:21:16.601321+00
213	213	30063389668270	Thomas Williams	103.56	2026-01-21 11:20:47.09689+00
214	214	501851512928	Joseph Mckinney	9.28	2024-12-06 06:03:18.243766+00
215	215	36918447713968	Lauren Collins	638.96	2026-10-22 12:21:08.407593+00
216	216	375572468913053	Bruce Cooke	439.55	2025-02-06 15:53:10.838027+00
217	217	341385435255669	Cynthia Peterson	245.81	2026-05-24 04:17:04.346649+00
218	218	4586414810729423	Justin Hicks	632.36	2026-09-16 20:49:07.02528+00
219	219	4850851137954	Linda Gibbs	467.00	2026-03-14 17:41:22.807629+00
220	220	4784116756193	Michelle Hammond	1016.33	2025-03-17 06:11:12.027779+00
221	221	4941863837543953	Xavier Williamson	802.81	2025-02-07 14:21:58.063989+00
222	222	4360698657479	Billy Weaver	892.76	2025-12-14 04:42:22.214628+00
223	223	4510002615775	Robert Smith	210.38	2025-12-28 19:37:27.584288+00
224	224	639011832685	Cynthia Evans	1149.96	2025-12-15 12:31:34.373799+00
225	225	30074144948139	Katelyn Brown	321.52	2025-07-01 01:51:12.29483+00
226	226	180071528996526	Jill Alexander	126.04	2025-08-29 13:06:49.779004+00
227	227	4077488116953337820	Jacob Perez	424.73	2025-05-28 23:27:00.891229+00
228	228	6509383352992559	David Garcia	370.94	2025-07-02 06:47:05.999046+00
229	229	378117115728277	Jennifer Dawson	853.76	2025-10-29 02:39:54.541459+00
230	230	4352207031291344	Erin Roman	393.59	2026-11-10 15:14:26.009755+00
231	231	4871867446153710	Suzanne Maxwell	185.10	2025-07-02 00:38:21.801912+00
232	232	503885329204	Victoria Lee	599.99	2026-01-03 09:03:12.164259+00
233	233	4337062965183	Tricia Weaver	627.56	2025-09-13 15:29:13.616799+00
234	234	213120812763182	Anthony Jackson	522.30	2026-08-08 19:45:59.492528+00
235	235	3535785521213185	Brian Robinson	462.81	2026-06-07 01:49:51.140619+00
236	236	343698063572470	Richard Morris	456.92	2026-04-30 11:51:00.734248+00
237	237	4093584603115038925	Kimberly Harding	518.60	2026-11-01 23:49:54.153915+00
238	238	3540576069694206	Kelly Jordan	281.34	2026-05-27 23:32:31.635177+00
239	239	3531446798001134	Lucas Molina	100.61	2025-08-17 15:57:20.580347+00
240	240	2663658524032934	Benjamin Barrett	553.81	2025-02-15 16:16:29.706824+00
241	241	3505202384720815	Natalie Reynolds	90.86	2026-11-07 15:26:06.00039+00
242	242	3502291494103833	Jonathan Gonzalez	740.92	2026-01-17 04:07:38.332595+00
243	243	180050370337369	Timothy Lopez	1088.30	2026-02-18 15:42:19.67027+00
244	244	4397560920656965792	Danielle Mendoza	290.78	2026-05-03 18:50:41.276604+00
245	245	4634129685001607767	Joseph Carlson	496.38	2026-11-14 15:54:23.86186+00
246	246	180098295643098	Tina King	26.98	2026-01-19 18:46:20.254725+00
247	247	30402710742828	Christopher Gomez	272.42	2025-10-20 21:53:03.420435+00
248	248	343427395102560	Elizabeth Williams	63.56	2026-03-04 12:33:19.649245+00
249	249	4602040938645552664	Kimberly Lee	566.98	2026-06-24 11:06:25.053106+00
250	250	3509236186541819	Claudia Montoya	52.18	2025-03-27 09:27:39.803261+00
251	251	4247453617063201723	Timothy Hammond	625.32	2026-10-16 13:30:36.368242+00
252	252	3507940536919896	Christopher Paul	1227.88	2025-03-24 00:21:53.942126+00
253	253	3511065883301979	Melinda Santiago	264.68	2025-07-01 03:32:11.540767+00
254	254	4688237020779855	Jose Sanders	365.88	2024-11-29 11:21:35.164039+00
255	255	6543979245517384	Adrian Herrera	224.17	2026-05-17 10:12:58.232077+00
256	256	4937759701385	Dale Mckenzie	667.37	2026-10-21 11:39:08.04341+00
257	257	4902198856125	Dr. Tiffany James	463.64	2026-02-28 09:07:12.64504+00
258	258	4112999725533	Alyssa Thomas	491.46	2025-11-15 04:36:34.787646+00
259	259	2269869444143978	Jasmine Cross	739.91	2026-01-27 10:18:21.707092+00
260	260	583344903005	Alexis Stone	698.33	2026-06-14 05:06:30.380198+00
261	261	502019265045	Michael Brown	457.12	2025-10-27 12:20:40.533332+00
262	262	3503258524001245	Sheri Kramer	151.23	2025-04-04 07:05:00.638777+00
263	263	4635947878285466	Susan David	562.24	2025-04-04 18:43:32.23955+00
264	264	6011843376218696	Monica Gay	123.75	2026-07-10 17:44:28.162904+00
265	265	4819223000453150	Terry Hawkins	780.97	2026-08-20 00:03:21.410306+00
266	266	3596356308449842	Nicholas King	70.74	2025-09-29 13:56:32.45296+00
267	267	4616503870999	John Robinson	760.64	2026-04-01 15:29:52.174675+00
268	268	3543107764427937	Ryan Lindsey	1182.74	2026-01-30 22:51:58.785168+00
269	269	345366230251240	Sharon Mayer	373.56	2026-07-20 12:40:45.293236+00
270	270	4353874049345054	Chelsea Olsen	1044.80	2026-10-03 09:22:16.32545+00
271	271	3525642671038718	Yolanda Choi	469.56	2026-09-01 19:13:22.092064+00
272	272	6011682707363197	Karen Zhang	249.39	2026-09-04 20:12:38.968317+00
273	273	6011190066060453	James Cummings	1107.44	2026-03-16 04:21:52.448726+00
274	274	3500352108863360	Paul Griffin	106.50	2024-12-04 12:18:02.437876+00
275	275	4861694270952146703	Charlotte Chan	892.80	2025-01-29 05:30:33.774362+00
276	276	2383220145530983	Brittney Young	589.36	2026-10-15 16:00:41.213523+00
277	277	4430189142039786858	Amanda Bray	62.25	2026-02-05 12:04:25.121313+00
278	278	4271696129165	Bradley Lucas	606.70	2025-08-22 16:52:15.724502+00
279	279	676157770147	Michael Baird	542.58	2026-05-27 04:51:08.94808+00
280	280	4818015282378316	Timothy West	603.89	2026-11-19 03:51:42.917377+00
281	281	4537044940770	Peter Scott	746.37	2026-07-18 06:59:49.255993+00
282	282	213176059015470	Cameron Hood	1352.80	2026-07-18 01:45:42.405754+00
283	283	180055498791579	Monica Chambers	77.15	2025-12-17 19:06:18.406192+00
284	284	578517504358	Gerald Rogers	420.23	2026-03-23 17:22:01.327099+00
285	285	4429406666458256	Patty Fuentes	1067.04	2026-11-24 16:15:37.683558+00
286	286	676304255786	Brian Hernandez	576.16	2025-10-25 21:10:41.378401+00
287	287	6506518029950224	Dr. Scott Santos	624.53	2025-12-07 04:12:14.182149+00
288	288	3577484028984618	Joseph Mcguire	459.33	2026-05-07 05:33:39.320719+00
289	289	4080342711868258	Stephanie Smith	103.97	2026-08-08 21:22:48.858964+00
290	290	4800396860926738	David Scott	489.89	2025-10-01 07:04:52.418275+00
291	291	2245639635085331	Amanda Rowe	39.82	2025-05-22 16:07:24.248074+00
292	292	4371982653169059465	Tasha Montoya	876.00	2025-01-10 10:06:39.931687+00
293	293	4782001036154650	Ryan Wright	752.64	2026-09-14 22:25:01.360448+00
294	294	4199293585200	Morgan Young MD	388.84	2025-04-30 15:30:44.777769+00
295	295	379985450958355	Tracy George	643.94	2026-05-03 15:40:33.822022+00
296	296	676310622748	Rhonda Russell	288.50	2025-07-19 09:29:46.005625+00
297	297	4428592802887	Cynthia Salinas	123.03	2025-10-05 22:34:24.83384+00
298	298	30504549046592	David Molina	125.88	2026-06-21 22:53:59.948803+00
299	299	3535491996535950	Barbara Poole	571.45	2025-11-13 22:55:22.017791+00
300	300	30049329012141	Sierra Flores	1199.72	2025-11-27 02:37:01.315288+00
\.


--
-- Data for Name: product; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.product (product_id, name, description, price, tags) FROM stdin;
1	Public-key solution-oriented info-mediaries	Head half card try.	167.03	{hope,especially}
2	Quality-focused client-server complexity	Charge book someone by.	101.85	{for,morning}
3	Re-contextualized object-oriented attitude	Market leg seek road door cell understand.	71.51	{accept,effort}
4	Multi-channeled disintermediate time-frame	Strong open investment live.	76.22	{analysis,doctor}
5	Synchronized actuating knowledge user	Draw also understand cup employee similar senior.	113.29	{ground,range}
6	Configurable interactive system engine	Avoid single land rather common.	66.08	{lay,garden}
7	Customer-focused tertiary migration	Up onto marriage wrong same score.	46.78	{tell,process}
8	Centralized executive middleware	Friend bill score.	133.61	{sense,cut}
9	Profound impactful concept	Prove item product before total.	114.88	{about,science}
10	Face-to-face stable infrastructure	Cup because reach yes.	18.82	{government,energy}
11	Future-proofed stable secured line	Development husband read issue choose audience.	43.53	{of,dark}
12	Fundamental responsive attitude	Maybe major create prove many speak.	5.67	{film,at}
13	Reverse-engineered methodical capacity	Attack join process agent.	24.17	{crime,particular}
14	Up-sized 6thgeneration utilization	Both focus approach on.	84.75	{several,executive}
15	Monitored composite standardization	Image still class just conference car.	142.14	{of,she}
16	Optional disintermediate productivity	Probably end bring space.	54.49	{best,remain}
17	Face-to-face 24hour collaboration	Them base fill.	19.15	{performance,friend}
18	User-friendly zero tolerance open architecture	Kind west size style mouth find daughter road.	28.68	{card,hour}
19	Multi-channeled multimedia open architecture	Wrong people process campaign against involve our analysis.	125.80	{finally,fact}
20	Decentralized zero administration product	Sit military eat understand memory heart face.	166.78	{interest,themselves}
21	Triple-buffered 5thgeneration extranet	Fly race role television remember lawyer beat.	93.38	{herself,significant}
22	Streamlined demand-driven emulation	Pressure put play really evening article.	197.20	{herself,it}
23	Automated intermediate portal	Three than figure somebody future line rest.	80.36	{since,since}
24	Enterprise-wide mobile benchmark	Culture to amount capital fund information.	97.02	{leg,fight}
25	Operative coherent functionalities	Wind contain citizen exactly.	15.82	{win,represent}
26	Fully-configurable full-range alliance	Three interview court significant.	151.55	{house,Mr}
27	Decentralized bifurcated flexibility	Member yet write would hot control.	61.73	{station,activity}
28	User-centric holistic budgetary management	Four quickly person could after purpose.	52.62	{popular,each}
29	Implemented bandwidth-monitored customer loyalty	Do only off focus already.	89.15	{gas,name}
30	Stand-alone real-time array	Least down key year trip address direction.	147.08	{glass,instead}
\.


--
-- Data for Name: session_log; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.session_log (id, customer_id, ip, user_agent, at) FROM stdin;
1	96	202.191.31.142	Mozilla/5.0 (Windows; U; Windows CE) AppleWebKit/534.35.6 (KHTML, like Gecko) Version/5.0.2 Safari/534.35.6	2026-10-30 18:26:31.319681+00
2	47	218.136.106.238	Opera/8.34.(X11; Linux x86_64; pa-PK) Presto/2.9.180 Version/10.00	2026-11-08 18:02:51.48649+00
3	23	50.67.138.39	Mozilla/5.0 (Macintosh; U; PPC Mac OS X 10_9_1; rv:1.9.4.20) Gecko/5466-05-20 20:24:06.517593 Firefox/3.8	2026-11-18 05:42:14.750396+00
4	15	206.140.39.164	Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/531.2 (KHTML, like Gecko) CriOS/45.0.828.0 Mobile/30O451 Safari/531.2	2026-10-29 02:34:00.113073+00
5	101	107.209.69.231	Mozilla/5.0 (Windows 95; km-KH; rv:1.9.0.20) Gecko/4865-11-30 07:03:06.259811 Firefox/3.8	2026-11-03 04:12:27.818826+00
6	107	97.223.247.147	Opera/9.94.(X11; Linux i686; lij-IT) Presto/2.9.190 Version/10.00	2026-11-14 19:59:22.077363+00
7	39	85.231.167.149	Mozilla/5.0 (Windows; U; Windows NT 6.1) AppleWebKit/535.42.2 (KHTML, like Gecko) Version/4.0.5 Safari/535.42.2	2026-11-12 16:39:13.530734+00
8	104	63.205.36.222	Mozilla/5.0 (compatible; MSIE 6.0; Windows 98; Win 9x 4.90; Trident/5.0)	2026-11-25 03:10:10.361815+00
9	9	72.154.133.51	Mozilla/5.0 (Macintosh; U; PPC Mac OS X 10_10_7) AppleWebKit/532.0 (KHTML, like Gecko) Chrome/17.0.845.0 Safari/532.0	2026-11-05 21:48:22.956308+00
10	93	161.124.66.19	Mozilla/5.0 (Macintosh; PPC Mac OS X 10_11_5; rv:1.9.4.20) Gecko/5991-10-01 20:02:01.831390 Firefox/3.6.11	2026-11-17 08:39:27.413434+00
11	72	160.62.70.40	Mozilla/5.0 (Macintosh; U; PPC Mac OS X 10_11_7) AppleWebKit/535.2 (KHTML, like Gecko) Chrome/25.0.803.0 Safari/535.2	2026-11-20 22:24:46.042946+00
12	59	64.113.245.23	Mozilla/5.0 (Android 12.1; Mobile; rv:5.0) Gecko/5.0 Firefox/5.0	2026-11-15 03:51:24.378929+00
13	13	106.0.254.148	Mozilla/5.0 (iPod; U; CPU iPhone OS 3_2 like Mac OS X; ku-TR) AppleWebKit/531.24.2 (KHTML, like Gecko) Version/4.0.5 Mobile/8B116 Safari/6531.24.2	2026-11-05 11:44:49.767648+00
14	96	208.7.172.50	Mozilla/5.0 (compatible; MSIE 9.0; Windows NT 11.0; Trident/5.1)	2026-11-20 21:32:06.730769+00
15	71	206.2.106.14	Mozilla/5.0 (compatible; MSIE 5.0; Windows NT 6.1; Trident/3.0)	2026-11-22 07:19:05.076446+00
16	15	7.211.160.163	Mozilla/5.0 (compatible; MSIE 9.0; Windows 98; Trident/3.1)	2026-11-22 19:00:02.718011+00
17	101	166.218.209.61	Mozilla/5.0 (compatible; MSIE 5.0; Windows CE; Trident/4.1)	2026-11-05 12:23:58.956267+00
18	21	62.157.12.69	Mozilla/5.0 (iPod; U; CPU iPhone OS 4_3 like Mac OS X; ks-IN) AppleWebKit/534.46.3 (KHTML, like Gecko) Version/4.0.5 Mobile/8B116 Safari/6534.46.3	2026-11-15 09:28:14.945519+00
19	77	183.17.199.230	Opera/9.36.(X11; Linux x86_64; sd-PK) Presto/2.9.183 Version/10.00	2026-11-22 23:42:38.331403+00
20	51	11.189.91.62	Mozilla/5.0 (Windows; U; Windows NT 6.1) AppleWebKit/531.49.4 (KHTML, like Gecko) Version/5.0.5 Safari/531.49.4	2026-11-13 10:03:09.971785+00
21	60	15.171.28.121	Opera/9.71.(Windows NT 5.01; kl-GL) Presto/2.9.190 Version/12.00	2026-11-13 15:27:27.865712+00
22	5	48.54.246.94	Mozilla/5.0 (iPad; CPU iPad OS 3_1_3 like Mac OS X) AppleWebKit/531.2 (KHTML, like Gecko) CriOS/57.0.885.0 Mobile/01G894 Safari/531.2	2026-11-06 22:14:41.529258+00
23	5	139.47.148.156	Mozilla/5.0 (Windows; U; Windows NT 5.0) AppleWebKit/534.18.2 (KHTML, like Gecko) Version/4.1 Safari/534.18.2	2026-11-15 14:07:42.942603+00
24	6	124.61.102.159	Mozilla/5.0 (Android 1.1; Mobile; rv:53.0) Gecko/53.0 Firefox/53.0	2026-11-22 17:58:40.246667+00
25	66	83.163.64.187	Mozilla/5.0 (Macintosh; U; Intel Mac OS X 10_9_2 rv:5.0; an-ES) AppleWebKit/531.17.6 (KHTML, like Gecko) Version/4.0.1 Safari/531.17.6	2026-10-30 04:05:04.947618+00
26	75	152.127.214.190	Opera/9.62.(Windows NT 5.0; yue-HK) Presto/2.9.173 Version/10.00	2026-11-08 01:40:13.288626+00
27	13	84.171.33.1	Mozilla/5.0 (Macintosh; U; PPC Mac OS X 10_11_3 rv:3.0; ur-IN) AppleWebKit/532.6.1 (KHTML, like Gecko) Version/4.0 Safari/532.6.1	2026-10-28 07:47:17.365958+00
28	53	73.203.82.148	Mozilla/5.0 (Windows; U; Windows NT 5.01) AppleWebKit/534.31.7 (KHTML, like Gecko) Version/4.1 Safari/534.31.7	2026-11-11 07:54:27.786658+00
29	83	27.145.115.125	Mozilla/5.0 (Windows NT 6.1) AppleWebKit/534.2 (KHTML, like Gecko) Chrome/52.0.864.0 Safari/534.2	2026-11-19 14:53:17.81894+00
30	90	53.239.26.217	Mozilla/5.0 (X11; Linux i686) AppleWebKit/534.0 (KHTML, like Gecko) Chrome/37.0.824.0 Safari/534.0	2026-11-01 01:45:11.108248+00
31	17	65.253.234.218	Opera/8.48.(X11; Linux i686; ig-NG) Presto/2.9.171 Version/11.00	2026-11-12 04:38:50.113604+00
32	54	216.205.40.198	Mozilla/5.0 (Android 2.3.1; Mobile; rv:5.0) Gecko/5.0 Firefox/5.0	2026-11-09 07:12:04.908877+00
33	74	136.169.226.67	Opera/9.38.(X11; Linux x86_64; ne-NP) Presto/2.9.165 Version/12.00	2026-11-14 00:22:17.187132+00
34	108	46.237.208.31	Mozilla/5.0 (Android 4.0.3; Mobile; rv:38.0) Gecko/38.0 Firefox/38.0	2026-11-20 03:49:10.920673+00
35	46	185.0.128.142	Mozilla/5.0 (compatible; MSIE 8.0; Windows 95; Trident/3.0)	2026-11-08 21:04:07.286425+00
36	10	72.114.234.188	Mozilla/5.0 (compatible; MSIE 6.0; Windows NT 5.0; Trident/4.0)	2026-11-15 06:57:05.522704+00
37	48	166.172.93.132	Opera/8.80.(Windows NT 5.2; my-MM) Presto/2.9.186 Version/11.00	2026-11-16 16:58:48.294777+00
38	94	65.254.103.171	Mozilla/5.0 (compatible; MSIE 6.0; Windows NT 11.0; Trident/4.1)	2026-11-23 13:54:07.471108+00
39	85	181.243.42.147	Mozilla/5.0 (iPad; CPU iPad OS 16_7_7 like Mac OS X) AppleWebKit/535.0 (KHTML, like Gecko) FxiOS/11.9l8362.0 Mobile/85J127 Safari/535.0	2026-11-03 03:34:34.59902+00
40	94	152.247.17.104	Mozilla/5.0 (Macintosh; Intel Mac OS X 10_8_6 rv:6.0; doi-IN) AppleWebKit/532.2.1 (KHTML, like Gecko) Version/4.0.2 Safari/532.2.1	2026-10-29 03:54:36.098625+00
41	21	58.98.190.57	Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/532.1 (KHTML, like Gecko) Chrome/20.0.871.0 Safari/532.1	2026-11-18 13:22:38.780186+00
42	47	106.239.186.134	Mozilla/5.0 (Windows; U; Windows NT 5.2) AppleWebKit/533.48.6 (KHTML, like Gecko) Version/5.0.5 Safari/533.48.6	2026-11-04 13:14:12.587918+00
43	22	44.254.24.47	Opera/8.19.(Windows CE; mi-NZ) Presto/2.9.183 Version/11.00	2026-11-01 10:10:27.327164+00
44	85	8.223.65.229	Mozilla/5.0 (Linux; Android 4.1) AppleWebKit/534.0 (KHTML, like Gecko) Chrome/14.0.855.0 Safari/534.0	2026-11-10 02:00:46.276062+00
45	12	45.145.184.168	Opera/9.62.(Windows NT 4.0; pl-PL) Presto/2.9.168 Version/12.00	2026-11-11 05:37:07.186806+00
46	43	22.17.79.8	Mozilla/5.0 (Windows; U; Windows 98; Win 9x 4.90) AppleWebKit/535.27.7 (KHTML, like Gecko) Version/5.0 Safari/535.27.7	2026-11-24 14:18:04.705147+00
47	1	109.140.49.40	Opera/8.94.(X11; Linux i686; ts-ZA) Presto/2.9.170 Version/11.00	2026-11-25 07:03:07.714481+00
48	108	28.181.210.8	Mozilla/5.0 (iPhone; CPU iPhone OS 16_7_6 like Mac OS X) AppleWebKit/531.2 (KHTML, like Gecko) FxiOS/14.8n5201.0 Mobile/30B444 Safari/531.2	2026-11-12 06:43:16.977432+00
49	83	7.16.78.57	Mozilla/5.0 (Linux; Android 4.1.1) AppleWebKit/536.1 (KHTML, like Gecko) Chrome/21.0.801.0 Safari/536.1	2026-11-07 05:12:26.123518+00
50	112	202.74.193.20	Mozilla/5.0 (Macintosh; Intel Mac OS X 10_7_3; rv:1.9.5.20) Gecko/6695-02-22 17:17:28.225189 Firefox/3.8	2026-11-11 08:00:07.158579+00
51	108	210.153.67.43	Opera/8.65.(Windows NT 11.0; bn-BD) Presto/2.9.172 Version/11.00	2026-11-21 15:57:01.391818+00
52	62	21.46.140.167	Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/535.1 (KHTML, like Gecko) Chrome/45.0.860.0 Safari/535.1	2026-11-14 16:45:42.677828+00
53	39	110.188.215.88	Mozilla/5.0 (compatible; MSIE 9.0; Windows NT 6.1; Trident/3.1)	2026-11-12 00:59:41.344406+00
54	20	151.205.108.181	Opera/9.64.(Windows NT 10.0; te-IN) Presto/2.9.178 Version/12.00	2026-11-19 20:33:33.359018+00
55	34	55.200.219.5	Mozilla/5.0 (compatible; MSIE 9.0; Windows 98; Trident/4.0)	2026-11-13 22:03:09.847985+00
56	13	98.56.172.126	Mozilla/5.0 (Windows; U; Windows NT 11.0) AppleWebKit/531.45.2 (KHTML, like Gecko) Version/5.0.3 Safari/531.45.2	2026-11-12 05:26:16.51071+00
57	14	130.68.120.128	Mozilla/5.0 (Macintosh; U; Intel Mac OS X 10_10_8; rv:1.9.5.20) Gecko/4904-04-07 11:14:49.581253 Firefox/3.8	2026-11-11 10:19:17.398361+00
58	113	18.243.102.184	Mozilla/5.0 (iPhone; CPU iPhone OS 10_3_4 like Mac OS X) AppleWebKit/535.0 (KHTML, like Gecko) CriOS/20.0.878.0 Mobile/93G432 Safari/535.0	2026-11-10 05:25:54.392554+00
59	31	214.168.163.229	Mozilla/5.0 (iPad; CPU iPad OS 13_5_1 like Mac OS X) AppleWebKit/531.0 (KHTML, like Gecko) FxiOS/16.3f4223.0 Mobile/97X740 Safari/531.0	2026-10-31 22:52:36.769942+00
60	15	156.202.168.165	Mozilla/5.0 (X11; Linux i686) AppleWebKit/533.2 (KHTML, like Gecko) Chrome/27.0.836.0 Safari/533.2	2026-11-12 07:33:09.23939+00
61	20	128.45.85.141	Opera/9.34.(Windows NT 6.0; iu-CA) Presto/2.9.173 Version/11.00	2026-11-02 22:22:16.114819+00
62	64	91.193.170.69	Mozilla/5.0 (Android 2.3.2; Mobile; rv:59.0) Gecko/59.0 Firefox/59.0	2026-11-02 02:55:14.869143+00
63	35	104.225.77.57	Mozilla/5.0 (Macintosh; U; Intel Mac OS X 10_6_2 rv:4.0; km-KH) AppleWebKit/531.21.4 (KHTML, like Gecko) Version/5.1 Safari/531.21.4	2026-11-22 03:45:23.062886+00
64	69	164.235.38.94	Mozilla/5.0 (Windows NT 4.0) AppleWebKit/531.2 (KHTML, like Gecko) Chrome/41.0.815.0 Safari/531.2	2026-11-23 15:42:47.697331+00
65	70	52.178.241.27	Mozilla/5.0 (iPad; CPU iPad OS 10_3_4 like Mac OS X) AppleWebKit/533.1 (KHTML, like Gecko) CriOS/24.0.829.0 Mobile/76Q378 Safari/533.1	2026-11-04 07:09:51.308969+00
66	16	50.250.152.90	Mozilla/5.0 (Windows; U; Windows 98) AppleWebKit/531.47.3 (KHTML, like Gecko) Version/5.0.5 Safari/531.47.3	2026-11-13 09:50:01.563019+00
67	42	208.201.126.54	Mozilla/5.0 (X11; Linux i686; rv:1.9.5.20) Gecko/9193-06-19 19:31:24.276886 Firefox/5.0	2026-11-13 17:19:04.725292+00
68	60	179.233.133.187	Mozilla/5.0 (compatible; MSIE 5.0; Windows NT 5.0; Trident/4.1)	2026-10-28 08:02:32.069816+00
69	32	106.239.46.40	Opera/9.17.(Windows NT 6.0; az-IN) Presto/2.9.173 Version/10.00	2026-11-21 20:53:55.227889+00
70	21	29.89.219.118	Mozilla/5.0 (compatible; MSIE 9.0; Windows NT 6.2; Trident/3.1)	2026-11-17 01:11:52.120016+00
71	73	135.203.150.104	Mozilla/5.0 (iPhone; CPU iPhone OS 16_7_6 like Mac OS X) AppleWebKit/532.2 (KHTML, like Gecko) CriOS/58.0.852.0 Mobile/28N262 Safari/532.2	2026-10-30 23:37:31.05161+00
72	69	208.68.177.12	Mozilla/5.0 (Windows; U; Windows NT 6.1) AppleWebKit/533.11.2 (KHTML, like Gecko) Version/4.1 Safari/533.11.2	2026-11-01 23:04:58.858906+00
73	6	155.144.112.28	Mozilla/5.0 (compatible; MSIE 5.0; Windows NT 11.0; Trident/5.0)	2026-11-07 03:05:22.95479+00
74	65	6.210.89.54	Mozilla/5.0 (iPod; U; CPU iPhone OS 3_0 like Mac OS X; nso-ZA) AppleWebKit/533.50.2 (KHTML, like Gecko) Version/4.0.5 Mobile/8B118 Safari/6533.50.2	2026-11-14 03:48:55.305661+00
75	33	205.52.166.14	Mozilla/5.0 (Windows NT 5.0) AppleWebKit/536.2 (KHTML, like Gecko) Chrome/62.0.809.0 Safari/536.2	2026-11-25 19:33:02.522049+00
76	47	52.190.10.88	Mozilla/5.0 (compatible; MSIE 8.0; Windows 98; Trident/4.1)	2026-11-01 19:55:07.292842+00
77	26	13.30.238.137	Mozilla/5.0 (Macintosh; PPC Mac OS X 10_9_3 rv:5.0; st-ZA) AppleWebKit/535.49.4 (KHTML, like Gecko) Version/4.1 Safari/535.49.4	2026-11-10 05:02:59.096088+00
78	37	213.89.3.54	Mozilla/5.0 (compatible; MSIE 9.0; Windows NT 4.0; Trident/4.1)	2026-11-09 02:19:53.193309+00
79	52	102.66.11.112	Mozilla/5.0 (X11; Linux i686) AppleWebKit/533.1 (KHTML, like Gecko) Chrome/18.0.868.0 Safari/533.1	2026-11-14 04:17:44.668205+00
80	72	113.121.63.188	Opera/9.70.(Windows NT 5.1; nb-NO) Presto/2.9.163 Version/12.00	2026-11-20 22:40:58.047693+00
81	27	46.229.70.246	Opera/8.11.(Windows NT 11.0; wal-ET) Presto/2.9.161 Version/10.00	2026-10-29 06:48:03.356303+00
82	17	123.137.7.28	Mozilla/5.0 (Macintosh; PPC Mac OS X 10_7_4 rv:4.0; ve-ZA) AppleWebKit/531.34.3 (KHTML, like Gecko) Version/4.0 Safari/531.34.3	2026-11-23 01:47:54.825612+00
83	117	93.233.128.224	Opera/9.87.(Windows 95; bhb-IN) Presto/2.9.188 Version/12.00	2026-11-07 19:22:54.820995+00
84	31	195.233.20.157	Mozilla/5.0 (Windows NT 11.0) AppleWebKit/536.0 (KHTML, like Gecko) Chrome/24.0.810.0 Safari/536.0	2026-11-26 03:11:29.663856+00
85	94	145.160.108.72	Mozilla/5.0 (Macintosh; U; Intel Mac OS X 10_10_6; rv:1.9.2.20) Gecko/5347-10-03 08:26:44.757721 Firefox/15.0	2026-11-05 19:14:10.897267+00
86	112	10.42.116.121	Mozilla/5.0 (Windows; U; Windows 95) AppleWebKit/533.35.6 (KHTML, like Gecko) Version/4.0.5 Safari/533.35.6	2026-11-17 08:45:15.077552+00
87	69	195.163.142.210	Mozilla/5.0 (iPod; U; CPU iPhone OS 3_1 like Mac OS X; nhn-MX) AppleWebKit/532.21.6 (KHTML, like Gecko) Version/4.0.5 Mobile/8B115 Safari/6532.21.6	2026-11-09 07:35:51.543595+00
88	65	100.47.6.34	Mozilla/5.0 (Macintosh; PPC Mac OS X 10_5_4 rv:5.0; ka-GE) AppleWebKit/534.45.3 (KHTML, like Gecko) Version/4.0 Safari/534.45.3	2026-11-11 03:12:41.572449+00
89	31	91.241.160.35	Mozilla/5.0 (compatible; MSIE 6.0; Windows NT 10.0; Trident/5.0)	2026-10-28 07:09:30.745513+00
90	114	59.18.8.219	Mozilla/5.0 (iPad; CPU iPad OS 4_3_5 like Mac OS X) AppleWebKit/533.2 (KHTML, like Gecko) FxiOS/14.4h5882.0 Mobile/33R815 Safari/533.2	2026-11-24 13:55:15.897769+00
91	13	12.22.56.214	Mozilla/5.0 (X11; Linux i686) AppleWebKit/533.0 (KHTML, like Gecko) Chrome/46.0.844.0 Safari/533.0	2026-11-08 00:10:02.053376+00
92	2	117.108.2.175	Mozilla/5.0 (Macintosh; U; PPC Mac OS X 10_12_7; rv:1.9.6.20) Gecko/8892-01-14 08:54:14.541626 Firefox/8.0	2026-11-11 11:41:24.728608+00
93	14	219.108.18.72	Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_7 rv:2.0; oc-FR) AppleWebKit/533.4.7 (KHTML, like Gecko) Version/4.0.2 Safari/533.4.7	2026-11-13 16:33:12.922138+00
94	7	47.33.213.115	Mozilla/5.0 (compatible; MSIE 9.0; Windows NT 5.01; Trident/5.0)	2026-11-21 13:09:41.339307+00
95	63	108.100.208.111	Mozilla/5.0 (Windows NT 5.1) AppleWebKit/535.1 (KHTML, like Gecko) Chrome/31.0.816.0 Safari/535.1	2026-11-06 00:24:54.906419+00
96	102	145.69.156.124	Mozilla/5.0 (Windows NT 5.1; nr-ZA; rv:1.9.0.20) Gecko/2350-10-26 09:25:25.557611 Firefox/3.8	2026-11-14 10:53:03.392979+00
97	102	160.83.171.19	Mozilla/5.0 (iPod; U; CPU iPhone OS 3_1 like Mac OS X; pl-PL) AppleWebKit/533.50.4 (KHTML, like Gecko) Version/4.0.5 Mobile/8B112 Safari/6533.50.4	2026-11-23 09:42:38.900296+00
98	90	218.211.240.19	Opera/9.58.(Windows NT 5.01; hsb-DE) Presto/2.9.161 Version/12.00	2026-11-02 05:49:17.469789+00
99	74	179.201.134.134	Mozilla/5.0 (Windows NT 5.2; brx-IN; rv:1.9.2.20) Gecko/4515-12-27 15:56:49.958984 Firefox/6.0	2026-11-07 14:22:02.53656+00
100	27	187.28.77.215	Opera/9.61.(X11; Linux x86_64; sc-IT) Presto/2.9.161 Version/12.00	2026-10-31 02:12:44.734908+00
101	89	95.196.203.121	Mozilla/5.0 (Windows; U; Windows NT 6.1) AppleWebKit/535.25.6 (KHTML, like Gecko) Version/4.0 Safari/535.25.6	2026-11-01 09:07:58.507046+00
102	96	222.52.67.10	Mozilla/5.0 (iPhone; CPU iPhone OS 13_7 like Mac OS X) AppleWebKit/532.0 (KHTML, like Gecko) CriOS/37.0.832.0 Mobile/53D566 Safari/532.0	2026-11-04 04:08:54.547841+00
103	30	167.164.175.172	Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/536.1 (KHTML, like Gecko) Chrome/50.0.801.0 Safari/536.1	2026-11-01 18:22:50.971967+00
104	12	70.76.30.129	Mozilla/5.0 (iPod; U; CPU iPhone OS 3_3 like Mac OS X; ss-ZA) AppleWebKit/532.11.3 (KHTML, like Gecko) Version/4.0.5 Mobile/8B119 Safari/6532.11.3	2026-11-10 17:06:19.018659+00
105	97	15.167.207.225	Opera/9.66.(X11; Linux x86_64; szl-PL) Presto/2.9.188 Version/10.00	2026-10-28 00:06:53.486785+00
106	22	93.47.0.251	Mozilla/5.0 (compatible; MSIE 6.0; Windows 98; Trident/3.0)	2026-11-22 17:13:13.776474+00
107	20	5.26.153.36	Opera/8.47.(Windows NT 6.0; nb-NO) Presto/2.9.175 Version/10.00	2026-11-25 19:22:02.669873+00
108	108	131.51.19.78	Mozilla/5.0 (Windows NT 6.0) AppleWebKit/532.0 (KHTML, like Gecko) Chrome/33.0.892.0 Safari/532.0	2026-10-29 23:25:40.926453+00
109	34	124.92.251.177	Mozilla/5.0 (Windows NT 6.0; yi-US; rv:1.9.0.20) Gecko/6955-08-03 02:36:17.724304 Firefox/3.8	2026-11-16 05:30:53.523504+00
110	4	220.181.202.178	Mozilla/5.0 (compatible; MSIE 7.0; Windows NT 5.2; Trident/4.0)	2026-11-04 05:51:09.280925+00
111	55	113.102.165.26	Mozilla/5.0 (compatible; MSIE 9.0; Windows CE; Trident/4.0)	2026-11-05 04:35:22.580446+00
112	51	40.253.57.35	Mozilla/5.0 (Android 4.3.1; Mobile; rv:22.0) Gecko/22.0 Firefox/22.0	2026-11-16 11:49:47.880628+00
113	80	197.51.129.81	Mozilla/5.0 (Windows NT 10.0; cs-CZ; rv:1.9.2.20) Gecko/4240-12-20 17:31:08.232788 Firefox/3.8	2026-11-08 10:55:13.747631+00
114	67	52.188.73.129	Mozilla/5.0 (X11; Linux i686; rv:1.9.5.20) Gecko/2994-10-20 04:18:24.408737 Firefox/3.6.17	2026-10-27 18:38:53.181339+00
115	15	99.31.92.200	Mozilla/5.0 (compatible; MSIE 8.0; Windows NT 11.0; Trident/4.1)	2026-11-05 16:52:08.843512+00
116	38	19.119.193.165	Mozilla/5.0 (compatible; MSIE 6.0; Windows 98; Win 9x 4.90; Trident/5.1)	2026-11-24 02:46:10.503969+00
117	73	162.168.57.244	Mozilla/5.0 (Windows NT 11.0; csb-PL; rv:1.9.2.20) Gecko/8667-05-05 17:35:11.820862 Firefox/3.8	2026-11-15 09:45:28.261907+00
118	114	58.231.43.36	Mozilla/5.0 (Linux; Android 4.2.2) AppleWebKit/534.1 (KHTML, like Gecko) Chrome/13.0.863.0 Safari/534.1	2026-11-25 07:05:34.079146+00
119	16	39.219.25.11	Opera/8.60.(X11; Linux x86_64; shs-CA) Presto/2.9.178 Version/10.00	2026-11-23 02:53:50.997059+00
120	11	157.86.134.81	Mozilla/5.0 (Windows; U; Windows 98; Win 9x 4.90) AppleWebKit/533.23.4 (KHTML, like Gecko) Version/4.1 Safari/533.23.4	2026-11-09 08:19:47.101679+00
121	85	155.125.118.177	Mozilla/5.0 (X11; Linux i686; rv:1.9.7.20) Gecko/7301-07-09 15:50:14.130035 Firefox/3.6.18	2026-11-07 14:53:32.681308+00
122	75	50.217.92.6	Mozilla/5.0 (compatible; MSIE 8.0; Windows NT 6.1; Trident/4.1)	2026-11-22 22:53:23.926699+00
123	28	78.128.192.101	Mozilla/5.0 (iPhone; CPU iPhone OS 14_2 like Mac OS X) AppleWebKit/536.0 (KHTML, like Gecko) FxiOS/18.7p5804.0 Mobile/15R540 Safari/536.0	2026-11-15 11:50:48.688937+00
124	30	40.45.162.111	Mozilla/5.0 (iPad; CPU iPad OS 7_1_2 like Mac OS X) AppleWebKit/536.0 (KHTML, like Gecko) FxiOS/18.3c8769.0 Mobile/36V445 Safari/536.0	2026-10-29 00:45:32.350737+00
125	32	97.157.18.99	Mozilla/5.0 (Windows NT 11.0; mag-IN; rv:1.9.1.20) Gecko/8968-03-18 12:50:39.172058 Firefox/15.0	2026-11-13 06:52:21.766634+00
126	77	198.45.16.100	Mozilla/5.0 (compatible; MSIE 5.0; Windows 98; Win 9x 4.90; Trident/5.1)	2026-11-14 17:16:27.332587+00
127	100	138.165.44.235	Mozilla/5.0 (Macintosh; Intel Mac OS X 10_8_6) AppleWebKit/532.0 (KHTML, like Gecko) Chrome/61.0.825.0 Safari/532.0	2026-11-04 20:10:20.136823+00
128	101	65.211.59.60	Mozilla/5.0 (Windows; U; Windows NT 5.1) AppleWebKit/533.46.7 (KHTML, like Gecko) Version/4.0.4 Safari/533.46.7	2026-10-29 18:26:31.915656+00
129	66	140.64.227.36	Mozilla/5.0 (compatible; MSIE 6.0; Windows 98; Trident/5.1)	2026-11-03 23:03:54.151076+00
130	91	175.157.66.236	Opera/9.15.(Windows NT 4.0; lt-LT) Presto/2.9.185 Version/10.00	2026-11-08 06:01:19.669207+00
131	105	86.115.104.118	Opera/9.92.(X11; Linux x86_64; hy-AM) Presto/2.9.171 Version/11.00	2026-11-07 02:45:27.749311+00
132	8	141.203.227.225	Mozilla/5.0 (Macintosh; Intel Mac OS X 10_10_4; rv:1.9.4.20) Gecko/7842-02-11 00:34:48.664856 Firefox/3.8	2026-11-20 12:26:56.738682+00
133	106	119.182.158.246	Mozilla/5.0 (Macintosh; Intel Mac OS X 10_6_4) AppleWebKit/533.2 (KHTML, like Gecko) Chrome/25.0.827.0 Safari/533.2	2026-11-16 08:54:37.337984+00
134	32	94.183.40.119	Opera/9.90.(Windows NT 4.0; os-RU) Presto/2.9.165 Version/11.00	2026-11-24 08:31:03.796708+00
135	10	206.254.114.103	Mozilla/5.0 (Windows NT 11.0) AppleWebKit/532.0 (KHTML, like Gecko) Chrome/33.0.855.0 Safari/532.0	2026-11-25 15:52:35.123736+00
136	77	117.223.135.126	Mozilla/5.0 (compatible; MSIE 5.0; Windows NT 5.0; Trident/4.0)	2026-11-12 04:42:16.757999+00
137	44	26.23.111.233	Mozilla/5.0 (compatible; MSIE 8.0; Windows NT 5.01; Trident/4.0)	2026-11-05 10:05:46.166388+00
138	13	165.18.251.104	Mozilla/5.0 (compatible; MSIE 7.0; Windows 98; Win 9x 4.90; Trident/3.0)	2026-11-17 04:28:44.915116+00
139	6	61.55.19.63	Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/532.0 (KHTML, like Gecko) FxiOS/16.4m4436.0 Mobile/70Z547 Safari/532.0	2026-11-03 12:55:37.554675+00
140	28	48.141.189.146	Mozilla/5.0 (Windows; U; Windows NT 5.2) AppleWebKit/532.46.4 (KHTML, like Gecko) Version/4.0 Safari/532.46.4	2026-11-19 17:04:38.578245+00
141	80	100.140.196.32	Mozilla/5.0 (compatible; MSIE 6.0; Windows NT 5.0; Trident/5.0)	2026-11-14 14:32:20.484088+00
142	99	41.93.85.205	Mozilla/5.0 (X11; Linux x86_64; rv:1.9.7.20) Gecko/5386-06-12 19:16:05.289749 Firefox/4.0	2026-11-23 10:26:15.890792+00
143	89	30.110.193.229	Mozilla/5.0 (Windows NT 10.0) AppleWebKit/534.0 (KHTML, like Gecko) Chrome/40.0.813.0 Safari/534.0	2026-11-12 10:47:29.795634+00
144	23	79.164.110.66	Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_2 rv:5.0; tr-TR) AppleWebKit/532.29.4 (KHTML, like Gecko) Version/4.1 Safari/532.29.4	2026-11-25 02:49:57.584744+00
145	105	96.111.109.208	Opera/9.13.(Windows NT 5.01; sv-FI) Presto/2.9.176 Version/10.00	2026-11-12 09:43:51.279956+00
146	39	56.237.62.243	Mozilla/5.0 (Macintosh; PPC Mac OS X 10_8_5) AppleWebKit/533.2 (KHTML, like Gecko) Chrome/51.0.806.0 Safari/533.2	2026-11-08 07:38:03.069828+00
147	44	108.13.242.217	Mozilla/5.0 (X11; Linux x86_64; rv:1.9.6.20) Gecko/8396-02-17 06:43:33.394501 Firefox/4.0	2026-11-04 09:46:17.74564+00
148	11	45.55.184.42	Mozilla/5.0 (compatible; MSIE 5.0; Windows 98; Win 9x 4.90; Trident/3.1)	2026-11-07 08:01:24.049791+00
149	104	112.59.40.108	Mozilla/5.0 (Macintosh; PPC Mac OS X 10_12_1; rv:1.9.4.20) Gecko/5763-09-14 04:44:28.294952 Firefox/3.6.15	2026-11-25 19:52:38.872999+00
150	98	174.224.105.246	Mozilla/5.0 (iPod; U; CPU iPhone OS 3_1 like Mac OS X; the-NP) AppleWebKit/533.33.5 (KHTML, like Gecko) Version/4.0.5 Mobile/8B113 Safari/6533.33.5	2026-10-29 12:02:36.018006+00
151	60	216.181.244.102	Opera/9.68.(X11; Linux i686; wa-BE) Presto/2.9.168 Version/11.00	2026-11-14 01:28:20.103946+00
152	76	189.21.99.138	Mozilla/5.0 (X11; Linux i686; rv:1.9.7.20) Gecko/8682-04-22 19:30:59.548767 Firefox/3.6.18	2026-10-31 15:42:36.436629+00
153	118	173.215.227.187	Mozilla/5.0 (Windows; U; Windows NT 5.0) AppleWebKit/534.23.1 (KHTML, like Gecko) Version/4.1 Safari/534.23.1	2026-11-13 16:03:21.278201+00
154	24	148.79.245.48	Mozilla/5.0 (compatible; MSIE 6.0; Windows NT 6.1; Trident/5.1)	2026-11-25 20:20:30.735743+00
155	2	58.229.244.66	Mozilla/5.0 (Macintosh; U; Intel Mac OS X 10_11_8; rv:1.9.6.20) Gecko/3306-10-09 14:49:10.016342 Firefox/3.8	2026-11-07 11:41:48.169162+00
156	41	86.4.69.248	Opera/8.31.(Windows CE; niu-NU) Presto/2.9.182 Version/10.00	2026-11-20 01:30:16.485569+00
157	120	108.99.213.82	Mozilla/5.0 (compatible; MSIE 8.0; Windows 98; Win 9x 4.90; Trident/4.1)	2026-11-23 01:17:48.171965+00
158	53	214.188.125.96	Mozilla/5.0 (compatible; MSIE 5.0; Windows NT 11.0; Trident/5.0)	2026-11-04 03:30:15.64496+00
159	101	18.187.201.229	Mozilla/5.0 (compatible; MSIE 9.0; Windows NT 5.2; Trident/5.1)	2026-11-11 17:38:54.966203+00
160	53	80.158.109.2	Mozilla/5.0 (Macintosh; Intel Mac OS X 10_5_4) AppleWebKit/535.0 (KHTML, like Gecko) Chrome/19.0.850.0 Safari/535.0	2026-11-17 12:04:16.847581+00
161	5	132.85.69.140	Mozilla/5.0 (compatible; MSIE 8.0; Windows NT 11.0; Trident/3.1)	2026-11-03 23:40:05.178848+00
162	12	173.246.101.131	Mozilla/5.0 (Windows NT 5.1; ti-ET; rv:1.9.0.20) Gecko/4984-06-23 12:01:34.557190 Firefox/12.0	2026-11-25 13:50:20.234796+00
163	101	73.82.151.118	Opera/8.31.(Windows 98; Win 9x 4.90; mi-NZ) Presto/2.9.184 Version/10.00	2026-11-08 07:31:13.665554+00
164	32	172.9.60.64	Mozilla/5.0 (Windows; U; Windows NT 6.0) AppleWebKit/534.3.3 (KHTML, like Gecko) Version/4.0.4 Safari/534.3.3	2026-11-22 13:12:09.911767+00
165	19	68.169.92.77	Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/533.2 (KHTML, like Gecko) Chrome/47.0.852.0 Safari/533.2	2026-11-18 12:02:51.511234+00
166	94	135.186.173.198	Mozilla/5.0 (Linux; Android 4.0.1) AppleWebKit/533.0 (KHTML, like Gecko) Chrome/15.0.865.0 Safari/533.0	2026-11-17 08:56:30.54093+00
167	66	196.188.52.101	Mozilla/5.0 (X11; Linux i686) AppleWebKit/533.2 (KHTML, like Gecko) Chrome/62.0.860.0 Safari/533.2	2026-11-23 21:31:24.991333+00
168	87	5.114.97.254	Mozilla/5.0 (iPad; CPU iPad OS 10_3_4 like Mac OS X) AppleWebKit/533.2 (KHTML, like Gecko) CriOS/24.0.896.0 Mobile/16Q714 Safari/533.2	2026-11-07 16:54:04.976674+00
169	22	72.171.143.247	Mozilla/5.0 (Windows; U; Windows 98; Win 9x 4.90) AppleWebKit/532.34.7 (KHTML, like Gecko) Version/4.0.4 Safari/532.34.7	2026-11-11 00:35:07.111258+00
170	20	72.57.13.28	Mozilla/5.0 (Android 8.0.0; Mobile; rv:53.0) Gecko/53.0 Firefox/53.0	2026-11-01 20:12:48.0501+00
171	103	11.86.27.207	Mozilla/5.0 (Windows NT 6.2) AppleWebKit/531.0 (KHTML, like Gecko) Chrome/52.0.836.0 Safari/531.0	2026-11-19 22:46:58.12415+00
172	45	25.24.147.157	Mozilla/5.0 (X11; Linux i686; rv:1.9.7.20) Gecko/4087-08-14 13:57:00.416763 Firefox/3.6.8	2026-11-10 07:15:31.809485+00
173	99	123.64.252.152	Opera/8.44.(Windows 98; Win 9x 4.90; wae-CH) Presto/2.9.184 Version/11.00	2026-10-27 07:06:44.720138+00
174	18	30.202.122.49	Opera/8.98.(X11; Linux i686; bn-BD) Presto/2.9.184 Version/12.00	2026-11-21 20:43:38.940267+00
175	27	198.161.235.211	Mozilla/5.0 (X11; Linux i686) AppleWebKit/534.0 (KHTML, like Gecko) Chrome/23.0.873.0 Safari/534.0	2026-11-21 09:20:05.25576+00
176	26	51.128.58.206	Mozilla/5.0 (compatible; MSIE 5.0; Windows NT 6.0; Trident/4.0)	2026-11-21 19:55:41.166239+00
177	119	185.169.195.208	Opera/9.34.(Windows NT 10.0; bs-BA) Presto/2.9.174 Version/11.00	2026-10-28 07:40:19.972847+00
178	29	218.149.95.10	Mozilla/5.0 (iPod; U; CPU iPhone OS 3_0 like Mac OS X; dz-BT) AppleWebKit/535.15.7 (KHTML, like Gecko) Version/4.0.5 Mobile/8B119 Safari/6535.15.7	2026-11-19 08:25:05.278347+00
179	88	164.166.56.17	Mozilla/5.0 (Macintosh; U; PPC Mac OS X 10_6_9 rv:3.0; doi-IN) AppleWebKit/534.9.2 (KHTML, like Gecko) Version/5.0.3 Safari/534.9.2	2026-11-06 20:11:24.034557+00
180	43	197.124.59.140	Mozilla/5.0 (X11; Linux i686) AppleWebKit/535.0 (KHTML, like Gecko) Chrome/58.0.800.0 Safari/535.0	2026-11-20 04:00:04.160355+00
181	91	149.107.49.58	Mozilla/5.0 (Linux; Android 14) AppleWebKit/532.1 (KHTML, like Gecko) Chrome/59.0.823.0 Safari/532.1	2026-11-12 19:13:16.248182+00
182	9	95.247.97.210	Mozilla/5.0 (compatible; MSIE 9.0; Windows NT 6.2; Trident/3.1)	2026-11-19 16:11:48.122197+00
183	1	89.161.170.191	Mozilla/5.0 (iPad; CPU iPad OS 13_5_1 like Mac OS X) AppleWebKit/533.1 (KHTML, like Gecko) FxiOS/16.7p2990.0 Mobile/05E779 Safari/533.1	2026-11-06 14:21:03.609654+00
184	102	6.74.107.43	Mozilla/5.0 (compatible; MSIE 5.0; Windows CE; Trident/4.1)	2026-11-24 08:07:39.683934+00
185	113	10.39.246.110	Mozilla/5.0 (compatible; MSIE 7.0; Windows NT 5.2; Trident/3.0)	2026-11-15 04:28:02.397027+00
186	62	141.139.218.7	Opera/9.77.(X11; Linux i686; tl-PH) Presto/2.9.181 Version/12.00	2026-10-31 03:57:21.563048+00
187	5	129.82.81.67	Mozilla/5.0 (X11; Linux x86_64; rv:1.9.6.20) Gecko/7445-05-27 13:46:13.236115 Firefox/3.6.19	2026-11-19 16:50:10.618607+00
188	64	9.31.39.170	Mozilla/5.0 (Windows NT 10.0; brx-IN; rv:1.9.2.20) Gecko/7297-08-02 14:31:46.269928 Firefox/3.6.18	2026-11-24 19:30:11.382288+00
189	68	34.186.254.87	Opera/9.96.(X11; Linux i686; ca-ES) Presto/2.9.166 Version/10.00	2026-10-28 02:35:43.878227+00
190	100	7.113.17.197	Mozilla/5.0 (compatible; MSIE 9.0; Windows 98; Trident/3.0)	2026-11-17 16:07:16.480485+00
191	43	86.56.49.155	Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/534.1 (KHTML, like Gecko) Chrome/25.0.855.0 Safari/534.1	2026-11-08 03:37:52.03923+00
192	117	62.67.169.9	Mozilla/5.0 (iPod; U; CPU iPhone OS 3_3 like Mac OS X; id-ID) AppleWebKit/532.24.1 (KHTML, like Gecko) Version/3.0.5 Mobile/8B111 Safari/6532.24.1	2026-11-10 01:59:53.369444+00
193	9	131.95.211.240	Opera/8.78.(X11; Linux x86_64; ber-MA) Presto/2.9.179 Version/12.00	2026-11-06 02:04:45.542373+00
194	97	196.153.101.64	Opera/8.11.(Windows NT 11.0; sk-SK) Presto/2.9.167 Version/10.00	2026-11-09 04:22:57.046047+00
195	78	199.95.87.151	Opera/9.20.(Windows 98; am-ET) Presto/2.9.172 Version/12.00	2026-11-17 01:17:00.34074+00
196	82	131.113.133.39	Mozilla/5.0 (compatible; MSIE 5.0; Windows NT 6.1; Trident/4.0)	2026-11-19 04:47:16.134267+00
197	9	158.26.95.218	Mozilla/5.0 (compatible; MSIE 9.0; Windows 98; Win 9x 4.90; Trident/3.0)	2026-11-05 22:37:59.468093+00
198	26	96.226.15.111	Mozilla/5.0 (Windows CE) AppleWebKit/536.2 (KHTML, like Gecko) Chrome/17.0.894.0 Safari/536.2	2026-11-22 13:14:42.53593+00
199	111	33.123.81.230	Mozilla/5.0 (compatible; MSIE 7.0; Windows NT 6.2; Trident/5.1)	2026-11-06 05:24:15.150621+00
200	81	168.142.233.72	Mozilla/5.0 (Windows; U; Windows NT 10.0) AppleWebKit/531.3.2 (KHTML, like Gecko) Version/4.0.2 Safari/531.3.2	2026-11-21 09:33:27.582742+00
\.


--
-- Name: session_log_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.session_log_id_seq', 200, true);


--
-- Name: address address_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.address
    ADD CONSTRAINT address_pkey PRIMARY KEY (address_id);


--
-- Name: customer customer_email_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customer
    ADD CONSTRAINT customer_email_key UNIQUE (email);


--
-- Name: customer customer_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customer
    ADD CONSTRAINT customer_pkey PRIMARY KEY (customer_id);


--
-- Name: order_item order_item_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.order_item
    ADD CONSTRAINT order_item_pkey PRIMARY KEY (order_id, product_id);


--
-- Name: order order_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public."order"
    ADD CONSTRAINT order_pkey PRIMARY KEY (order_id);


--
-- Name: payment payment_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payment
    ADD CONSTRAINT payment_pkey PRIMARY KEY (payment_id);


--
-- Name: product product_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.product
    ADD CONSTRAINT product_pkey PRIMARY KEY (product_id);


--
-- Name: session_log session_log_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.session_log
    ADD CONSTRAINT session_log_pkey PRIMARY KEY (id);


--
-- Name: address address_customer_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.address
    ADD CONSTRAINT address_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES public.customer(customer_id);


--
-- Name: order order_customer_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public."order"
    ADD CONSTRAINT order_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES public.customer(customer_id);


--
-- Name: order_item order_item_order_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.order_item
    ADD CONSTRAINT order_item_order_id_fkey FOREIGN KEY (order_id) REFERENCES public."order"(order_id);


--
-- Name: order_item order_item_product_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.order_item
    ADD CONSTRAINT order_item_product_id_fkey FOREIGN KEY (product_id) REFERENCES public.product(product_id);


--
-- Name: order order_shipping_address_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public."order"
    ADD CONSTRAINT order_shipping_address_id_fkey FOREIGN KEY (shipping_address_id) REFERENCES public.address(address_id);


--
-- Name: payment payment_order_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payment
    ADD CONSTRAINT payment_order_id_fkey FOREIGN KEY (order_id) REFERENCES public."order"(order_id);


--
-- PostgreSQL database dump complete
--

\unrestrict 8W01iLNpsqTLW2blWOsM4RbIdrEnCNjCVtZCqOcmRBu3hPXk8qcFNENxmp2yvC0

