//! `/tillganglighet`: the accessibility statement (tillgänglighetsredogörelse) required of
//! public-sector web sites by lagen (2018:1937) om tillgänglighet till digital offentlig service,
//! laid out after the model of Myndigheten för digital förvaltning (DIGG).

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use maud::{html, Markup};

use super::error::PageError;
use crate::http_cache::{self, CacheKey, Rendered};
use crate::views::format;
use crate::views::layout::{self, Changed};
use crate::AppState;

/// When the site was last assessed and this statement last revised.
const ASSESSED_ON: (i32, u32, u32) = (2026, 11, 26);
/// Where readers reach the organisation behind the site.
const CONTACT_URL: &str = "https://www.vastkom.se";
const DIGG_REPORT_URL: &str = "https://www.digg.se/tdosanmalan";

pub async fn page(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, PageError> {
    let agreement = state.catalogue().await?.featured().clone();
    http_cache::cached_keyed(&req, &state, &agreement, CacheKey::new("/tillganglighet", &[]), |snapshot| {
        Ok(Rendered::html(statement(Changed::from_last_change(snapshot.last_change_at()))))
    })
    .await
}

fn statement(changed: Changed) -> Markup {
    let assessed =
        NaiveDate::from_ymd_opt(ASSESSED_ON.0, ASSESSED_ON.1, ASSESSED_ON.2).map(format::date).unwrap_or_default();
    let content = html! {
        h1 { "Tillgänglighet för webbplatsen om Hälso- och sjukvårdsavtalet 2027" }
        p {
            "VästKom står bakom den här webbplatsen. Vi vill att så många som möjligt ska kunna använda den. "
            "Här beskriver vi hur webbplatsen uppfyller lagen om tillgänglighet till digital offentlig service, "
            "vilka kända brister den har och hur du kan rapportera brister till oss så att vi kan åtgärda dem."
        }

        h2 { "Hur tillgänglig är webbplatsen?" }
        p { "Vi känner till att delar av webbplatsen inte är helt tillgängliga. Se avsnittet om innehåll som inte är tillgängligt nedan." }

        h2 { "Vad kan du göra om du inte kan använda delar av webbplatsen?" }
        p {
            "Om du behöver innehåll från webbplatsen i ett annat format kan du kontakta oss. "
            "Alla uppgifter på sidorna finns också som öppna data (CSV) och som tabell under kartan på startsidan. "
            "Vi svarar normalt inom två arbetsdagar."
        }
        p { "Kontaktuppgifter till VästKom finns på " a href=(CONTACT_URL) { "vastkom.se" } "." }

        h2 { "Rapportera brister i webbplatsens tillgänglighet" }
        p {
            "Vi strävar hela tiden efter att förbättra tillgängligheten. Om du upptäcker problem som inte beskrivs på den här sidan, "
            "eller om du anser att vi inte uppfyller lagens krav, kontakta oss så att vi får veta att problemet finns. "
            "Kontaktuppgifter finns på " a href=(CONTACT_URL) { "vastkom.se" } "."
        }

        h2 { "Tillsyn" }
        p {
            "Myndigheten för digital förvaltning (Digg) har ansvaret för tillsyn av lagen om tillgänglighet till digital offentlig service. "
            "Om du inte är nöjd med hur vi hanterar dina synpunkter kan du "
            a href=(DIGG_REPORT_URL) { "kontakta Digg och påpeka det" } "."
        }

        h2 { "Teknisk information om webbplatsens tillgänglighet" }
        p {
            "Webbplatsen är delvis förenlig med lagen om tillgänglighet till digital offentlig service, "
            "på grund av de brister som beskrivs nedan. Målet är nivå AA i WCAG 2.1."
        }

        h2 { "Innehåll som inte är tillgängligt" }
        h3 { "Bristande förenlighet med lagkraven" }
        ul {
            li {
                "Den geografiska kartan visar inte kommunernas namn i bilden. Namnen och statusen finns i varje kommuns "
                "beskrivning för skärmläsare och i tabellen under kartan, och vyn Lika stora rutor visar namnen "
                "(WCAG 2.1, kriterium 1.3.1)."
            }
            li {
                "I vyn Lika stora rutor blir namnen små på smala skärmar. Förstora sidan eller använd tabellen under kartan "
                "(WCAG 2.1, kriterium 1.4.4)."
            }
        }
        h3 { "Innehåll som inte omfattas av lagkraven" }
        ul {
            li {
                "Protokollen som sidorna länkar till publiceras av kommunerna och regionen på deras egna webbplatser. "
                "Vi ansvarar inte för deras tillgänglighet."
            }
        }

        h2 { "Hur vi testat webbplatsen" }
        p {
            "Vi har gjort en självskattning (intern testning) av webbplatsen. Vid varje ändring körs automatiska tester "
            "med axe-core i webbläsaren Chromium på startsidan och partsidorna, och ett test som kontrollerar att alla "
            "kommuner i kartan nås med tangentbordet. Vi har också granskat sidorna med tangentbord, i 360 pixlars bredd, "
            "förstorade till 200 procent och i utskrift."
        }
        p { "Senaste bedömningen gjordes " (assessed) "." }
        p { "Redogörelsen uppdaterades senast " (assessed) "." }
    };
    layout::page("Tillgänglighetsredogörelse", changed, content)
}
