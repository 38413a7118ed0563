# %% [markdown]
# # mapper in a notebook
#
# Geoparse a sentence, extract its event, map a DataFrame of articles and get the incidents as
# a GeoDataFrame, with `import mapper` and nothing from mapper's internals. Each `# %%` is a
# notebook cell (VS Code, Jupytext and Spyder run them as such); `python examples/notebook.py`
# runs them all, writing into ./notebook-output. The articles are made up for this example.

# %%
import pandas as pd

import mapper

# %% [markdown]
# ## Places in a sentence

# %%
sentence = "Aid convoys left Amman for Irbid, in northern Jordan, on Friday."
for toponym in mapper.geoparse(sentence):
    place = toponym.place
    print(f"{toponym.name:<8} -> {place.name}, {place.country} ({place.precision})")

# %% [markdown]
# ## The event an article reports

# %%
event = mapper.extract(
    "Heavy monsoon rain triggered a landslide near Kandy, Sri Lanka, on Wednesday, "
    "killing 6 people and leaving 2 missing.",
    date="2025-11-21",
)
print(event.category, event.facts.reported(), f"severity {event.severity}", event.event_date)

# %% [markdown]
# ## A batch from a DataFrame
#
# Gaps (NaN, None) are "not given"; a bad row raises an InputError naming it.

# %%
articles = pd.DataFrame(
    {
        "id": [1, 2, 3, 4],
        "title": ["Quake in Chile", "Dam overflows", None, "Toll rises"],
        "text": [
            "A magnitude 6.4 earthquake shook Antofagasta, Chile, killing 2 people.",
            "Floods forced 12,000 people from their homes in Kherson Oblast, Ukraine.",
            "A wildfire burned 800 hectares of forest near Split, Croatia.",
            "The toll of the Antofagasta, Chile earthquake rose to 5 killed.",
        ],
        "date": pd.to_datetime(["2025-10-02", "2025-10-03", "2025-10-03", "2025-10-04"]),
        "url": ["https://news.example.org/chile", float("nan"), None, None],
    }
)
result = mapper.run(articles, output_dir="notebook-output", render=False)
print(f"{result.summary.articles_read} articles -> {len(result.incidents)} incidents")
frame = result.to_frame()
print(frame[["category", "place", "country", "killed", "displaced", "date"]].to_string())

# %% [markdown]
# ## A GeoDataFrame through `__geo_interface__`
#
# geopandas reads the run's FeatureCollection as it is; without geopandas, shapely makes the
# same geometries.

# %%
try:
    import geopandas
except ImportError:  # geopandas is optional
    from shapely.geometry import shape

    for incident in result.incidents:
        print(incident.category, shape(incident))
else:
    incidents = geopandas.GeoDataFrame.from_features(result, crs="EPSG:4326")
    print(type(incidents).__name__, incidents.crs.to_string())
    print(incidents[["category", "geometry"]].to_string())
