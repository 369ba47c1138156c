/**
 * Name and place pools for the benchmark's generated signers: every script the packs must render (Latin with
 * diacritics, Cyrillic, Greek, CJK, Arabic, Hebrew, Devanagari, Thai), so parsing, normalisation and case
 * folding do the work real exports make them do. Fictional combinations of common names.
 */

export interface Culture {
  given: string[];
  family: string[];
}

export const CULTURES: Record<string, Culture> = {
  dutch: {
    given: ['Pieter', 'Jeroen', 'Marloes', 'Femke', 'Gijs', 'Noëlla', 'Ilse', 'Kees', 'Anoek', 'Hüseyin', 'Naïma', 'Stijn'],
    family: ['van der Meer', 'Smit', 'de Boer', 'Dekker', 'van Leeuwen', 'Brouwer', 'de Graaf', 'Kök', 'Postma', 'IJzerman', 'Bosman', 'Vermeulen'],
  },
  french: {
    given: ['Aurélie', 'Cédric', 'Hélène', 'Thérèse', 'Grégoire', 'Maïwenn', 'Anaïs', 'Rodolphe', 'Ségolène', 'Jérémie'],
    family: ['Lefèvre', 'Mercier', 'Dupré', 'Fontaine', 'Boucher', 'Gauthier', 'Lachapelle', 'Girard', 'Bélisle', 'Deschênes'],
  },
  german: {
    given: ['Jürgen', 'Ute', 'Matthias', 'Dörte', 'Sönke', 'Gisela', 'Florian', 'Bärbel', 'Tobias', 'Heike'],
    family: ['Schmitt', 'Große', 'Böhm', 'Zimmermann', 'Kraußer', 'Lößner', 'Richter', 'Hartmann', 'Kühn', 'Schulze'],
  },
  portuguese: {
    given: ['Antônia', 'Joaquim', 'Lívia', 'Inês', 'Estêvão', 'Conceição', 'Otávio', 'Flávia', 'Jânio', 'Raíssa'],
    family: ['Rodrigues', 'Ferreira', 'Almeida', 'Nascimento', 'Lima', 'Araújo', 'Conceição', 'Guimarães', 'Simões', 'Falcão'],
  },
  english: {
    given: ['Hannah', 'Connor', 'Grace', 'Declan', 'Abigail', 'Kwame', 'Priya', 'Owen', 'Niamh', 'Jamal'],
    family: ['Johnson', 'Walker', 'Campbell', "O'Connor", 'Robinson', 'Nguyen', 'Thompson', 'Okonkwo', 'Hughes', 'Ramírez'],
  },
  polish: {
    given: ['Łukasz', 'Małgorzata', 'Wojciech', 'Żaneta', 'Grzegorz', 'Agnieszka', 'Paweł', 'Zofia'],
    family: ['Wiśniewski', 'Wójcik', 'Kamińska', 'Lewandowski', 'Zieliński', 'Szymańska', 'Dąbrowski', 'Woźniak'],
  },
  vietnamese: {
    given: ['Thảo', 'Dũng', 'Hương', 'Phương', 'Tuấn', 'Ngọc', 'Quỳnh', 'Đức'],
    family: ['Trần', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Võ', 'Đặng', 'Bùi'],
  },
  cyrillic: {
    given: ['Олег', 'Ирина', 'Николай', 'Людмила', 'Владимир', 'Ксения', 'Григорий', 'Алёна', 'Тарас', 'Оксана'],
    family: ['Орлов', 'Белова', 'Васильев', 'Зайцева', 'Соловьёв', 'Шевченко', 'Ковальчук', 'Гончаренко', 'Ефимов', 'Жукова'],
  },
  greek: {
    given: ['Αλέξανδρος', 'Ειρήνη', 'Βασίλης', 'Χριστίνα', 'Θανάσης', 'Φωτεινή', 'Στέλιος', 'Αγγελική'],
    family: ['Αντωνίου', 'Κωνσταντίνου', 'Μαυρίδης', 'Ζαχαρίου', 'Σταθοπούλου', 'Καραγιάννης', 'Λαμπράκης', 'Δημητρίου'],
  },
  chinese: {
    given: ['淑惠', '志豪', '雅雯', '俊宏', '美惠', '建志', '佳穎', '家瑋', '文彬', '曉萍'],
    family: ['周', '徐', '孫', '馬', '朱', '胡', '郭', '何', '高', '羅'],
  },
  japanese: {
    given: ['さくら', 'ひろし', '陽菜', '蓮', 'ゆうき', '美咲', '翔太', 'あおい'],
    family: ['佐藤', '鈴木', '高橋', '田中', '渡辺', '伊藤', '山本', '中村'],
  },
  korean: {
    given: ['민준', '서연', '지훈', '하은', '도윤', '수빈', '예준', '지민'],
    family: ['김', '이', '박', '최', '정', '강', '조', '윤'],
  },
  arabic: {
    given: ['حسن', 'زينب', 'إبراهيم', 'هدى', 'طارق', 'أمل', 'سمير', 'ياسمين'],
    family: ['العمري', 'السيد', 'البغدادي', 'القاسم', 'الزين', 'حمدان', 'عيسى', 'الجبوري'],
  },
  hebrew: {
    given: ['אביגיל', 'משה', 'רחל', 'אליעזר', 'הדס', 'גיל', 'אסתר', 'עידו'],
    family: ['גולדברג', 'אוחיון', 'רוזנטל', 'דהן', 'שלום', 'אזולאי', 'ברק', 'חדד'],
  },
  devanagari: {
    given: ['आदित्य', 'पूजा', 'सुरेश', 'मीनाक्षी', 'करण', 'लक्ष्मी', 'निखिल', 'श्रेया'],
    family: ['मिश्रा', 'यादव', 'चौहान', 'त्रिपाठी', 'कपूर', 'अग्रवाल', 'दुबे', 'मेहता'],
  },
  thai: {
    given: ['ประเสริฐ', 'มาลี', 'ชัยวัฒน์', 'วิไลวรรณ', 'สุรชัย', 'จันทร์เพ็ญ', 'พงศกร', 'ศิริพร'],
    family: ['รัตนกุล', 'ศรีวงศ์', 'พรหมมา', 'จันทร์หอม', 'สมบูรณ์', 'เพชรรัตน์', 'อินทร์แก้ว', 'ทองคำ'],
  },
};

/**
 * Country column values as exports write them (ISO codes mostly, sometimes the name), mail domains (a few
 * internationalised ones, which dedupe converts with IDNA), the cultures of its residents, and places as
 * [city, region, postcode pattern] with '#' a digit and '@' a capital letter.
 */
export interface Country {
  spellings: string[];
  domains: string[];
  cultures: string[];
  places: [string, string, string][];
}

export const COUNTRIES: Record<string, Country> = {
  NL: {
    spellings: ['NL', 'NL', 'NL', 'Nederland', 'NLD'],
    domains: ['gmail.com', 'ziggo.nl', 'planet.nl', 'hotmail.com', 'outlook.com', 'bücherwurm.nl'],
    cultures: ['dutch', 'dutch', 'dutch', 'arabic', 'polish'],
    places: [['Leiden', 'ZH', '23## @@'], ['Zwolle', 'OV', '80## @@'], ['Haarlem', 'NH', '20## @@'], ['Eindhoven', 'NB', '56## @@'], ['Arnhem', 'GE', '68## @@'], ['Delft', 'ZH', '26## @@']],
  },
  DE: {
    spellings: ['DE', 'DE', 'Deutschland', 'DEU'],
    domains: ['web.de', 'gmx.de', 'gmail.com', 't-online.de', 'müller-post.de'],
    cultures: ['german', 'german', 'german', 'polish', 'cyrillic'],
    places: [['Hamburg', 'HH', '2####'], ['Nürnberg', 'BY', '9####'], ['Dresden', 'SN', '01###'], ['Münster', 'NW', '48###'], ['Göttingen', 'NI', '37###']],
  },
  BR: {
    spellings: ['BR', 'BR', 'Brasil', 'BRA'],
    domains: ['gmail.com', 'uol.com.br', 'terra.com.br', 'globo.com', 'hotmail.com'],
    cultures: ['portuguese', 'portuguese', 'portuguese', 'japanese', 'arabic'],
    places: [['Curitiba', 'PR', '8####-###'], ['Fortaleza', 'CE', '6####-###'], ['Manaus', 'AM', '69###-###'], ['Goiânia', 'GO', '74###-###'], ['Niterói', 'RJ', '24###-###']],
  },
  CA: {
    spellings: ['CA', 'CA', 'Canada'],
    domains: ['gmail.com', 'videotron.ca', 'bell.net', 'yahoo.ca'],
    cultures: ['french', 'french', 'english', 'vietnamese'],
    places: [['Montréal', 'QC', 'H#@ #@#'], ['Lévis', 'QC', 'G6@ #@#'], ['Rimouski', 'QC', 'G5@ #@#'], ['Ottawa', 'ON', 'K1@ #@#']],
  },
  TW: {
    spellings: ['TW', 'TW', '台灣', 'Taiwan'],
    domains: ['gmail.com', 'yahoo.com.tw', 'pchome.com.tw'],
    cultures: ['chinese'],
    places: [['新竹市', '', '3##'], ['桃園市', '', '3##'], ['基隆市', '', '2##'], ['Hualien', '', '97#']],
  },
  AU: {
    spellings: ['AU', 'Australia'],
    domains: ['gmail.com', 'bigpond.com', 'iinet.net.au'],
    cultures: ['english', 'english', 'chinese', 'greek', 'vietnamese'],
    places: [['Sydney', 'NSW', '2###'], ['Geelong', 'VIC', '32##'], ['Cairns', 'QLD', '48##'], ['Darwin', 'NT', '08##']],
  },
  US: {
    spellings: ['US', 'USA', 'United States'],
    domains: ['gmail.com', 'yahoo.com', 'comcast.net', 'icloud.com'],
    cultures: ['english', 'english', 'korean', 'hebrew', 'vietnamese'],
    places: [['Portland', 'OR', '972##'], ['Denver', 'CO', '802##'], ['Atlanta', 'GA', '303##'], ['Chicago', 'IL', '606##']],
  },
  RU: {
    spellings: ['RU', 'RUS', 'Россия'],
    domains: ['mail.ru', 'yandex.ru', 'почта.рф'],
    cultures: ['cyrillic'],
    places: [['Ростов-на-Дону', '', '344###'], ['Самара', '', '443###'], ['Пермь', '', '614###']],
  },
  GR: { spellings: ['GR', 'Greece'], domains: ['gmail.com', 'otenet.gr'], cultures: ['greek'], places: [['Πάτρα', '', '26# ##'], ['Ηράκλειο', '', '71# ##']] },
  IL: { spellings: ['IL', 'Israel'], domains: ['gmail.com', 'walla.co.il'], cultures: ['hebrew', 'hebrew', 'arabic'], places: [['באר שבע', '', '84#####'], ['נתניה', '', '42#####']] },
  EG: { spellings: ['EG', 'Egypt'], domains: ['gmail.com', 'yahoo.com'], cultures: ['arabic'], places: [['الإسكندرية', '', '21###'], ['القاهرة', '', '11###']] },
  IN: { spellings: ['IN', 'India'], domains: ['gmail.com', 'rediffmail.com'], cultures: ['devanagari'], places: [['जयपुर', '', '302###'], ['लखनऊ', '', '226###'], ['Pune', '', '411###']] },
  TH: { spellings: ['TH', 'Thailand'], domains: ['gmail.com', 'hotmail.co.th'], cultures: ['thai'], places: [['ขอนแก่น', '', '40###'], ['ภูเก็ต', '', '83###']] },
  JP: { spellings: ['JP', 'Japan'], domains: ['gmail.com', 'docomo.ne.jp'], cultures: ['japanese'], places: [['大阪市', '', '5##-####'], ['札幌市', '', '0##-####']] },
  KR: { spellings: ['KR', '한국'], domains: ['naver.com', 'daum.net'], cultures: ['korean'], places: [['부산', '', '4####'], ['서울', '', '0####']] },
  PL: { spellings: ['PL', 'Polska'], domains: ['wp.pl', 'onet.pl'], cultures: ['polish'], places: [['Kraków', '', '3#-###'], ['Gdańsk', '', '8#-###']] },
};

/** Where signers abroad live: every country with a non-Latin script appears, so every script reaches every section. */
export const ABROAD = Object.keys(COUNTRIES);
